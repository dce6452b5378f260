import { runInDurableObject } from 'cloudflare:test'
import { describe, it } from 'vitest'
import { SUBSCRIPTIONS } from '../durable-objects/event-hub'
import type { RunObject } from '../durable-objects/run'
import { acp, acpFetch, acpFrames } from './helpers/acp'
import { createTenant, type Tenant } from './helpers/api'
import { RunStore } from '../durable-objects/run-store'
import { FEED_MAX_REPLAY } from '../workers/runs/feed'
import { run, until } from './helpers/runs'
import { startTurn, streamTurn, turnEvents, waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

/** Subscriptions the run's RunObject opened: readers in one isolate share one. */
const subscriptions = (runId: string) => runInDurableObject(run(runId), (obj: RunObject) => obj[SUBSCRIPTIONS])

const startAcp = async (t: Tenant, input: string, stream_mode: string[]) => {
  const created = await acp<{ run_id: string }>(t, 'POST', '/runs', { input, stream_mode })
  if (created.status !== 200) throw new Error(`create failed ${created.status}`)
  return created.body.run_id
}

describe('one feed per run per isolate', () => {
  it('50 concurrent readers all get the whole ordered sequence through one RunObject subscription', async ({ expect }) => {
    const t = await createTenant('feed-many')
    const s = await startTurn(t, { message: '/slow 20 /tokens 30' })
    const results = await Promise.all(Array.from({ length: 50 }, async () => (await readSse(await streamTurn(t, s))).events))
    const first = results[0] ?? []
    expect(first.map((e) => e.id)).toEqual(first.map((_, i) => i + 1))
    expect(first.filter((e) => e.event === 'message_delta')).toHaveLength(30)
    expect(first.at(-1)?.event).toBe('done')
    for (const r of results) expect(r).toEqual(first)
    expect(await subscriptions(s.turn_id)).toBe(1)
    // A reader after the end gets the same log (its own, new feed).
    expect(await turnEvents(t, s)).toEqual(first)
  })

  it('a late joiner with Last-Event-ID gets exactly the rest, from the feed', async ({ expect }) => {
    const t = await createTenant('feed-late')
    const s = await startTurn(t, { message: '/slow 30 /tokens 25' })
    const early = readSse(await streamTurn(t, s))
    // Join once the early reader's feed has events: after the 8th.
    const head = await readSse(await streamTurn(t, s), (_, all) => all.length === 8)
    const lastId = head.events.at(-1)?.id ?? 0
    const rest = (await readSse(await streamTurn(t, s, lastId))).events
    const whole = (await early).events
    expect(rest).toEqual(whole.filter((e) => e.id > lastId))
    expect([...head.events, ...rest]).toEqual(whole)
    expect(whole.at(-1)?.event).toBe('done')
    // The joiners rode the early reader's subscription.
    expect(await subscriptions(s.turn_id)).toBe(1)
  })

  it('when the reader whose request holds the subscription leaves, the others continue without gap', async ({ expect }) => {
    const t = await createTenant('feed-owner')
    const s = await startTurn(t, { message: '/slow 30 /tokens 25' })
    const owner = await streamTurn(t, s)
    const others = await Promise.all([1, 2, 3].map(() => streamTurn(t, s)))
    // The first reader opens the subscription; it leaves after 5 events.
    const left = await readSse(owner, (_, all) => all.length === 5)
    expect(left.events).toHaveLength(5)
    const results = await Promise.all(others.map(async (res) => (await readSse(res)).events))
    const first = results[0] ?? []
    expect(first.map((e) => e.id)).toEqual(first.map((_, i) => i + 1))
    expect(first.at(-1)?.event).toBe('done')
    for (const r of results) expect(r).toEqual(first)
    // One more subscription, opened by a remaining reader after the last event the feed had.
    expect(await subscriptions(s.turn_id)).toBe(2)
  })

  it('a Last-Event-ID older than the feed subscribes on its own and still gets every event', async ({ expect }) => {
    const t = await createTenant('feed-older')
    const s = await startTurn(t, { message: '/slow 30 /tokens 20' })
    await readSse(await streamTurn(t, s), (_, all) => all.length === 6)
    // This reader's feed starts after event 5; one from the start cannot be served from it.
    const from5 = readSse(await streamTurn(t, s, 5))
    const whole = (await readSse(await streamTurn(t, s))).events
    expect(whole.map((e) => e.id)).toEqual(whole.map((_, i) => i + 1))
    expect((await from5).events).toEqual(whole.filter((e) => e.id > 5))
    expect((await waitTurn(t, s)).status).toBe('success')
  })

  it(`a joiner replays at most ${FEED_MAX_REPLAY} events from the feed, then continues from its last id with no loss`, async ({ expect }) => {
    const t = await createTenant('feed-cap')
    const s = await startTurn(t, { message: '/slow 4 /tokens 1200' })
    const holder = await streamTurn(t, s) // opens the feed and never reads
    const stored = () => runInDurableObject(run(s.turn_id), (_, state) => new RunStore(state.storage.sql).eventsAfter(FEED_MAX_REPLAY, 100).length)
    await until(stored, (n) => n >= 50, 20_000)
    const first = (await readSse(await streamTurn(t, s))).events
    expect(first.map((e) => e.id)).toEqual(first.map((_, i) => i + 1))
    expect(first).toHaveLength(FEED_MAX_REPLAY)
    const rest = (await readSse(await streamTurn(t, s, FEED_MAX_REPLAY))).events
    const whole = [...first, ...rest]
    expect(whole.map((e) => e.id)).toEqual(whole.map((_, i) => i + 1))
    expect(whole.filter((e) => e.event === 'message_delta')).toHaveLength(1200)
    expect(whole.at(-1)?.event).toBe('done')
    await holder.body?.cancel()
  })

  it('ACP: readers from the start share the frames; a resumed reader gets exactly the frames after its id', async ({ expect }) => {
    const t = await createTenant('feed-acp')
    const runId = await startAcp(t, '/slow 20 /tokens 20', ['custom', 'values'])
    const results = await Promise.all(Array.from({ length: 10 }, async () => acpFrames(await acpFetch(t, 'GET', `/runs/${runId}/stream`))))
    const first = results[0] ?? []
    expect(first.filter((f) => f.data.type === 'custom' && f.data.update.event === 'message_delta')).toHaveLength(20)
    expect(first.at(-1)?.data).toMatchObject({ type: 'values', status: 'success' })
    for (const r of results) expect(r).toEqual(first)
    expect(await subscriptions(runId)).toBe(1)
    // Resumed mid-way, after the second frame of an event: the rest, frame for frame.
    const at = first.findIndex((f) => f.id.includes('.'))
    expect(at).toBeGreaterThan(0)
    const resumeId = first[at]?.id ?? ''
    const resumed = await acpFrames(await acpFetch(t, 'GET', `/runs/${runId}/stream`, undefined, { 'last-event-id': resumeId }))
    expect(resumed.map((f) => f.id)).toEqual(first.slice(at + 1).map((f) => f.id))
    expect(resumed.at(-1)).toEqual(first.at(-1))
  })
})
