import { describe, it } from 'vitest'
import { createTenant } from './helpers/api'
import { startTurn, streamTurn, turnEvents, waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

describe('SSE replay and fan-out', () => {
  it('a reconnect with Last-Event-ID gets exactly the missing events', async ({ expect }) => {
    const t = await createTenant('replay')
    const s = await startTurn(t, { message: '/slow 30 /tokens 20' })
    // Drop the connection after the 6th event, mid-stream.
    const first = await readSse(await streamTurn(t, s), (_, all) => all.length === 6)
    expect(first.events).toHaveLength(6)
    const lastId = first.events.at(-1)?.id ?? 0
    const rest = await readSse(await streamTurn(t, s, lastId))
    expect(rest.events[0]?.id).toBe(lastId + 1)
    const whole = [...first.events, ...rest.events]
    expect(whole.map((e) => e.id)).toEqual(whole.map((_, i) => i + 1))
    expect(whole.at(-1)?.event).toBe('done')
    expect(await turnEvents(t, s)).toEqual(whole)
  })

  it('three live subscribers see the identical sequence', async ({ expect }) => {
    const t = await createTenant('fanout')
    const s = await startTurn(t, { message: '/slow 20 /tokens 15' })
    const results = await Promise.all([1, 2, 3].map(async () => (await readSse(await streamTurn(t, s))).events))
    expect(results[0]?.filter((e) => e.event === 'message_delta')).toHaveLength(15)
    expect(results[1]).toEqual(results[0])
    expect(results[2]).toEqual(results[0])
  })

  it('a subscriber that never reads does not stall the run', async ({ expect }) => {
    const t = await createTenant('slow-reader')
    const s = await startTurn(t, { message: '/tokens 3000' })
    const stuck = await streamTurn(t, s) // never read
    const turn = await waitTurn(t, s)
    expect(turn.status).toBe('success')
    expect(turn.usage.completion_tokens).toBe(3000)
    await stuck.body?.cancel()
  })

  it('a Last-Event-ID at or past the end replays nothing and closes for a finished run', async ({ expect }) => {
    const t = await createTenant('replay-end')
    const s = await startTurn(t, { message: 'short' })
    const turn = await waitTurn(t, s)
    const res = await readSse(await streamTurn(t, s, turn.last_event_id))
    expect(res.events).toEqual([])
  })
})
