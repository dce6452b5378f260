import { describe, it } from 'vitest'
import { createTenant, env } from './helpers/api'
import { startTurn, streamTurn, turnEvents, waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

describe('a full turn', () => {
  it('streams the dev model reply token by token, in order, then done', async ({ expect }) => {
    const t = await createTenant('turn')
    const s = await startTurn(t, { message: 'hello there agent' })
    expect(s.status).toBe('started')
    const { events } = await readSse(await streamTurn(t, s))
    const types = events.map((e) => e.event)
    expect(types[0]).toBe('status')
    expect(types.at(-1)).toBe('done')
    const deltas = events.filter((e) => e.event === 'message_delta').map((e) => e.data.text)
    expect(deltas.join('')).toBe('You said: hello there agent')
    expect(deltas.length).toBe(5)
    expect(events.map((e) => e.id)).toEqual(events.map((_, i) => i + 1))
    const done = events.at(-1)?.data
    expect(done).toMatchObject({ status: 'success', output: 'You said: hello there agent' })
    // prompt: the system agent's 9-word system prompt + 3 words of input
    expect(done.usage).toEqual({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 })

    const turn = await waitTurn(t, s)
    expect(turn.status).toBe('success')
    const row = await env.DB.prepare('SELECT status, prompt_tokens, completion_tokens, cost_total, time_to_first_token_ms, channel FROM runs WHERE id = ?').bind(s.turn_id).first()
    expect(row).toMatchObject({ status: 'success', prompt_tokens: 12, completion_tokens: 5, channel: 'session' })
    expect(row?.cost_total).toBeCloseTo((12 * 1 + 5 * 2) / 1e6, 12)
    expect(await turnEvents(t, s)).toEqual(events)
  })
})
