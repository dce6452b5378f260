import { describe, it } from 'vitest'
import { call, createTenant, env } from './helpers/api'
import { startTurn, streamTurn, turnEvents, turnUrl, waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

describe('interrupt → resume', () => {
  it('asks, waits interrupted, resumes with the answer, and succeeds', async ({ expect }) => {
    const t = await createTenant('interrupt')
    const s = await startTurn(t, { message: '/ask Which marketplace?' })
    const parked = await waitTurn(t, s)
    expect(parked.status).toBe('interrupted')
    expect(parked.interrupt).toMatchObject({ question: 'Which marketplace?', tool_call_id: expect.any(String) })
    const session = await call('GET', `/v1/sessions/${s.session_id}`, { key: t.key })
    expect(session.body.status).toBe('interrupted')

    const resumed = await call('POST', `${turnUrl(s)}/resume`, { key: t.key, body: { answer: 'Ozon' } })
    expect(resumed.status).toBe(202)
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', output: 'Thanks, you answered: Ozon', interrupt: null })
    const types = (await turnEvents(t, s)).map((e) => e.event)
    expect(types).toEqual(expect.arrayContaining(['tool_call', 'interrupt', 'tool_result', 'done']))
    expect(types.indexOf('interrupt')).toBeLessThan(types.indexOf('tool_result'))
    expect((await call('GET', `/v1/sessions/${s.session_id}`, { key: t.key })).body.status).toBe('idle')
  })

  it('resume of a turn that is not interrupted is 409; 422 without an answer', async ({ expect }) => {
    const t = await createTenant('resume-409')
    const s = await startTurn(t, { message: 'hi' })
    await waitTurn(t, s)
    expect((await call('POST', `${turnUrl(s)}/resume`, { key: t.key, body: { answer: 'x' } })).status).toBe(409)
    expect((await call('POST', `${turnUrl(s)}/resume`, { key: t.key, body: {} })).status).toBe(422)
  })

  it('cancelling an interrupted turn frees the session for the next turn', async ({ expect }) => {
    const t = await createTenant('cancel-interrupt')
    const s = await startTurn(t, { message: '/ask Proceed?' })
    expect((await waitTurn(t, s)).status).toBe('interrupted')
    const next = await startTurn(t, { session_id: s.session_id, message: 'second turn' })
    expect(next.status).toBe('queued')
    const cancelled = await call('POST', `${turnUrl(s)}/cancel`, { key: t.key })
    expect(cancelled.body.status).toBe('cancelled')
    expect((await waitTurn(t, next)).status).toBe('success')
  })
})

describe('cancel', () => {
  it('cancel mid-stream stops the work: no token is appended after the cancel', async ({ expect }) => {
    const t = await createTenant('cancel')
    const s = await startTurn(t, { message: '/slow 40 /tokens 200' })
    const { events } = await readSse(await streamTurn(t, s), (e) => e.event === 'message_delta' && e.data.text.includes('tok5'))
    expect(events.length).toBeGreaterThan(0)
    const res = await call('POST', `${turnUrl(s)}/cancel`, { key: t.key })
    expect(res.status).toBe(200)
    expect(res.body.status).toBe('cancelled')
    // Give a still-running consumer time to (wrongly) append more.
    await new Promise((r) => setTimeout(r, 400))
    const all = await turnEvents(t, s)
    const cancelAt = all.findIndex((e) => e.event === 'status' && e.data.status === 'cancelled')
    expect(cancelAt).toBeGreaterThan(0)
    expect(all.slice(cancelAt).map((e) => e.event)).toEqual(['status', 'done'])
    expect(all.filter((e) => e.event === 'message_delta').length).toBeLessThan(200)
    const row = await env.DB.prepare('SELECT status, ended_at FROM runs WHERE id = ?').bind(s.turn_id).first()
    expect(row).toMatchObject({ status: 'cancelled', ended_at: expect.any(String) })
    // Idempotent.
    expect((await call('POST', `${turnUrl(s)}/cancel`, { key: t.key })).body.status).toBe('cancelled')
  })
})

describe('timeout', () => {
  it('a run over its timeout ends as timeout, its stream closes', async ({ expect }) => {
    const t = await createTenant('timeout')
    const s = await startTurn(t, { message: '/slow 200 /tokens 100', timeout_seconds: 1 })
    const { events } = await readSse(await streamTurn(t, s))
    expect(events.at(-1)).toMatchObject({ event: 'done', data: { status: 'timeout', error: { code: 'timeout' } } })
    const row = await env.DB.prepare('SELECT status FROM runs WHERE id = ?').bind(s.turn_id).first('status')
    expect(row).toBe('timeout')
  })
})
