import { evictDurableObject } from 'cloudflare:test'
import { describe, it } from 'vitest'
import { createTenant, env } from './helpers/api'
import { allEvents, deltas, until } from './helpers/runs'
import { startTurn, streamTurn, waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

describe('a RunObject evicted during a long model call', () => {
  it('keeps the run going: nothing lost, nothing doubled, and readers resume by Last-Event-ID', async ({ expect }) => {
    const t = await createTenant('evict')
    const s = await startTurn(t, { message: '/slow 40 /tokens 20' })
    const before = await readSse(await streamTurn(t, s), (e) => e.event === 'message_delta' && e.data.text.includes('tok3'))
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length >= 3,
    )

    // In-memory state (subscribers, timers, waiters) is gone; SQLite and the alarm survive.
    await evictDurableObject(env.RUNS.getByName(s.turn_id))

    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', usage: { completion_tokens: 20 } })
    const events = await allEvents(s.turn_id)
    expect(deltas(events)).toEqual(Array.from({ length: 20 }, (_, i) => `tok${i + 1}`))
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    const rest = await readSse(await streamTurn(t, s, before.events.at(-1)?.id))
    expect([...before.events, ...rest.events].map((e) => e.id)).toEqual(events.map((e) => e.seq))
  })
})
