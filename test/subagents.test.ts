import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { call, createTenant } from './helpers/api'
import { allEvents, run, until } from './helpers/runs'
import { startTurn, turnUrl, waitTurn } from './helpers/sessions'

const children = (parentRunId: string) =>
  env.DB.prepare('SELECT child_run_id AS id, mode, task FROM subagent_runs WHERE parent_run_id = ? ORDER BY idx').bind(parentRunId).all<{ id: string; mode: string; task: string }>()

describe('run_subagent: child runs on the engine', () => {
  it('runs up to 5 children in parallel, waits released from the queue, returns their results and rolls their usage in', async ({ expect }) => {
    const t = await createTenant('sub')
    // The second child takes ~0.5 s, so the parent (whose children start in their objects at once) has to
    // wait for it. Its directives are JSON-escaped (\/, \u0020): the dev model would read them as the parent's own.
    const s = await startTurn(t, { message: '/tool run_subagent {"tasks":[{"mode":"explore","prompt":"/tokens 3"},{"mode":"verify","prompt":"\\/slow 100\\u0020\\/tokens 5"}]}' })
    const done = await waitTurn(t, s, 30)
    expect(done.status).toBe('success')

    const kids = (await children(s.turn_id)).results
    expect(kids.map((k) => k.mode)).toEqual(['explore', 'verify'])
    const snaps = await Promise.all(kids.map((k) => run(k.id).snapshot()))
    expect(snaps.map((x) => [x.status, x.output])).toEqual([
      ['success', 'tok1 tok2 tok3'],
      ['success', 'tok1 tok2 tok3 tok4 tok5'],
    ])
    // Each child is a real run in D1 with its own channel and a link to the parent.
    const row = await env.DB.prepare('SELECT channel, metadata FROM runs WHERE id = ?').bind(kids[0]?.id).first<{ channel: string; metadata: string }>()
    expect(row?.channel).toBe('subagent')
    expect(JSON.parse(row?.metadata ?? '{}')).toMatchObject({ parent_run_id: s.turn_id, mode: 'explore', index: 0 })

    const events = await allEvents(s.turn_id)
    const result = JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result))
    expect(result.map((r: { run_id: string; status: string; output: string }) => [r.run_id, r.status, r.output])).toEqual([
      [kids[0]?.id, 'success', 'tok1 tok2 tok3'],
      [kids[1]?.id, 'success', 'tok1 tok2 tok3 tok4 tok5'],
    ])
    // It waited by releasing the run, not by holding a consumer: a deferral is on record.
    expect(events.some((e) => e.type === 'status' && String(e.data.reason).startsWith('waiting for'))).toBe(true)
    const rolled = events.find((e) => e.type === 'usage' && e.data.source === 'subagents')?.data
    const childTokens = snaps.reduce((n, x) => n + x.usage.total_tokens, 0)
    expect(rolled?.total_tokens).toBe(childTokens)
    const ownTokens = events.filter((e) => e.type === 'usage' && e.data.source !== 'subagents').reduce((n, e) => n + Number(e.data.total_tokens), 0)
    expect(done.usage.total_tokens).toBe(ownTokens + childTokens)
    expect(done.costs.total).toBeGreaterThan(snaps.reduce((n, x) => n + x.costs.total, 0))
    // The task was called once: no second set of children on the re-run calls.
    expect((await children(s.turn_id)).results).toHaveLength(2)
  })

  it('cancelling the parent cancels its children', async ({ expect }) => {
    const t = await createTenant('sub-cancel')
    const s = await startTurn(t, { message: '/tool run_subagent {"tasks":[{"mode":"execute","prompt":"/slow 2000"},{"mode":"execute","prompt":"/slow 2000"}]}' })
    const kids = await until(
      async () => (await children(s.turn_id)).results,
      (r) => r.length === 2,
    )
    const cancelled = await call('POST', `${turnUrl(s)}/cancel`, { key: t.key })
    expect(cancelled.status).toBe(200)
    for (const k of kids) expect((await run(k.id).wait(10_000)).status).toBe('cancelled')
  })

  it('children neither delegate nor ask; more than 5 tasks is refused', async ({ expect }) => {
    const t = await createTenant('sub-rules')
    const s = await startTurn(t, { message: '/tool run_subagent {"tasks":[{"mode":"explore","prompt":"/tool run_subagent {}"}]}' })
    const done = await waitTurn(t, s, 30)
    expect(done.status).toBe('success')
    const [kid] = (await children(s.turn_id)).results
    const kidResult = (await allEvents(kid?.id ?? '')).find((e) => e.type === 'tool_result')?.data.result
    expect(JSON.parse(String(kidResult))).toEqual({ error: 'tool "run_subagent" is not available: not offered to this agent' })

    const six = JSON.stringify({ tasks: Array.from({ length: 6 }, () => ({ mode: 'explore', prompt: 'x' })) })
    const bad = await startTurn(t, { message: `/tool run_subagent ${six}` })
    await waitTurn(t, bad)
    expect(JSON.parse(String((await allEvents(bad.turn_id)).find((e) => e.type === 'tool_result')?.data.result))).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['tasks'] }] })
  })
})
