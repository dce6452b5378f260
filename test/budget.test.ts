import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { admin, call, createTenant } from './helpers/api'
import { acp } from './helpers/acp'
import { specErrors } from './helpers/spec'
import { readSse } from './helpers/sse'
import { startTurn, streamTurn, waitTurn } from './helpers/sessions'

describe('monthly budgets', () => {
  it('a run that crosses the budget stops as budget_exceeded; the next is refused in every dialect', async ({ expect }) => {
    const t = await createTenant('budget')
    // The dev model costs $2 per 1M completion tokens: 100 tokens ≈ $0.0002, over a $0.00005 budget.
    expect((await admin('PATCH', `/organizations/${t.orgId}`, { monthly_budget_usd: 0.00005 })).body.monthly_budget_usd).toBe(0.00005)
    const s = await startTurn(t, { message: '/tokens 100' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'error', error: { code: 'budget_exceeded' } })

    const usage = await call('GET', `/v1/organizations/${t.orgId}/usage`, { key: t.key })
    expect(usage.body).toMatchObject({ budget_usd: 0.00005, remaining_usd: 0, currency: 'USD' })
    expect(usage.body.spent_usd).toBeGreaterThan(0.00005)

    const session = await call('POST', '/v1/sessions/stream', { key: t.key, body: { message: 'again' } })
    expect(session.status).toBe(402)
    expect(session.body).toMatchObject({ code: 'budget_exceeded', status_code: 402 })
    const codegen = await call('POST', `/v1/organizations/${t.orgId}/agent/run`, { key: t.key, body: { prompt: 'again' } })
    expect(codegen.status).toBe(402)
    expect(specErrors('codegen', 'AgentRunLimitReachedErrorResponse', codegen.body)).toEqual([])
    const viaAcp = await acp(t, 'POST', '/runs', { input: 'again' })
    expect(viaAcp.status).toBe(402)
    expect(typeof viaAcp.body).toBe('string')

    await admin('PATCH', `/organizations/${t.orgId}`, { monthly_budget_usd: null })
    expect((await call('POST', '/v1/sessions/stream', { key: t.key, body: { message: 'unlimited' } })).status).toBe(202)
  })

  it("a live reader of a run stopped by its budget gets every event, in seq order, the stop's events last", async ({ expect }) => {
    const t = await createTenant('budget-stream')
    await admin('PATCH', `/organizations/${t.orgId}`, { monthly_budget_usd: 0.00005 })
    // Slow enough that the reader is connected before the step's usage arrives and stops the run.
    const s = await startTurn(t, { message: '/slow 5 /tokens 100' })
    const { events } = await readSse(await streamTurn(t, s))
    const ids = events.map((e) => Number(e.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    const types = events.map((e) => e.event)
    // The step's message and usage were stored before the stop: the live stream carries them before done.
    expect(types).toContain('message')
    expect(types.indexOf('message')).toBeLessThan(types.indexOf('done'))
    expect(types.at(-1)).toBe('done')
    expect(events.at(-1)?.data).toMatchObject({ status: 'error', error: { code: 'budget_exceeded' } })
  })

  it("the month's spend is kept per org by triggers: it follows runs' costs as they change and are deleted", async ({ expect }) => {
    const t = await createTenant('spend')
    const month = new Date().toISOString().slice(0, 7)
    const kept = () => env.DB.prepare('SELECT cost_total AS c FROM org_month_spend WHERE org_id = ? AND month = ?').bind(t.orgId, month).first<number>('c')
    const summed = () => env.DB.prepare('SELECT coalesce(sum(cost_total), 0) AS c FROM runs WHERE org_id = ?').bind(t.orgId).first<number>('c')
    for (const message of ['/tokens 40', '/tokens 10']) await waitTurn(t, await startTurn(t, { message }))
    const spent = await summed()
    expect(spent).toBeGreaterThan(0)
    expect(await kept()).toBeCloseTo(spent ?? 0, 12)
    expect((await call('GET', `/v1/organizations/${t.orgId}/usage`, { key: t.key })).body.spent_usd).toBeCloseTo(spent ?? 0, 12)
    // A deleted run takes its cost with it (ACP delete, rollback and retention delete rows).
    const one = await env.DB.prepare('SELECT id, cost_total FROM runs WHERE org_id = ? ORDER BY cost_total DESC LIMIT 1').bind(t.orgId).first<{ id: string; cost_total: number }>()
    await env.DB.prepare('DELETE FROM runs WHERE id = ?').bind(one?.id).run()
    expect(await kept()).toBeCloseTo((spent ?? 0) - (one?.cost_total ?? 0), 12)
    expect(await kept()).toBeCloseTo((await summed()) ?? 0, 12)
  })
})
