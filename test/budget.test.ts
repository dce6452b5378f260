import { describe, it } from 'vitest'
import { admin, call, createTenant } from './helpers/api'
import { acp } from './helpers/acp'
import { specErrors } from './helpers/spec'
import { startTurn, waitTurn } from './helpers/sessions'

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
})
