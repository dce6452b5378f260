import { beforeAll, describe, it } from 'vitest'
import { inject } from 'vitest'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents, deltas } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

let t: Tenant
let agentId: string
const stats = async () => (await (await fetch(`http://127.0.0.1:${inject('fakeOpenAIPort')}/__stats`)).json()) as { requests: { scenario: string; hasTools: boolean; authorization: string }[] }

beforeAll(async () => {
  t = await createTenant('openai')
  const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'GPT agent', model: 'openai/gpt-4o-mini', system_prompt: 'Be brief.' } })
  agentId = agent.body.id
})

describe('openai/* against a local OpenAI-compatible upstream (real SSE)', () => {
  it('streams content deltas, records usage and cost at the model price', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'say hello' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', output: 'Hello from fake', usage: { prompt_tokens: 11, completion_tokens: 3, total_tokens: 14 } })
    expect(done.costs).toEqual({ prompt: 0.00000165, completion: 0.0000018, services: 0, total: 0.00000345, currency: 'USD' })
    expect(deltas(await allEvents(s.turn_id))).toEqual(['Hello', 'from', 'fake'])
    const last = (await stats()).requests.at(-1)
    expect(last).toMatchObject({ hasTools: true, authorization: 'Bearer sk-test-fake' })
  })

  it('assembles tool-call deltas split across chunks, runs the tool, and answers', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'show kpi scenario:tool' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', output: 'Shown the KPI.' })
    expect(done.usage).toEqual({ prompt_tokens: 61, completion_tokens: 23, total_tokens: 84 })
    const events = await allEvents(s.turn_id)
    const call = events.find((e) => e.type === 'tool_call')
    expect(call?.data).toMatchObject({ id: 'call_fake_1', name: 'render_visual' })
    expect(JSON.parse(String(call?.data.arguments))).toEqual({ kind: 'kpi', title: 'Revenue', data: { value: 42 } })
    expect(events.find((e) => e.type === 'artifact')?.data).toEqual({ type: 'render_visual', kind: 'kpi', title: 'Revenue', data: { value: 42 } })
  })

  it('honours 429 Retry-After and retries; the run does not fail', async ({ expect }) => {
    const before = (await stats()).requests.filter((r) => r.scenario === '429').length
    const started = Date.now()
    const s = await startTurn(t, { agent_id: agentId, message: 'busy scenario:429' })
    expect((await waitTurn(t, s)).status).toBe('success')
    expect(Date.now() - started).toBeGreaterThanOrEqual(900)
    expect((await stats()).requests.filter((r) => r.scenario === '429').length - before).toBe(2)
  })

  it('retries an upstream 500', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'flaky scenario:500' })
    expect((await waitTurn(t, s)).status).toBe('success')
  })

  it('a malformed chunk fails the run with bad_response, not a crash', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'broken scenario:malformed' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'error', error: { code: 'bad_response' } })
  })
})

describe('per-org model settings', () => {
  it('an org endpoint and key are used for its openai/* runs; the key is never shown; only owners set them', async ({ expect }) => {
    const org = await createTenant('org-model')
    const url = `/v1/organizations/${org.orgId}/model-settings`
    expect((await call('GET', url, { key: org.key })).body).toEqual({ openai_base_url: null, openai_api_key_set: false })
    const base = `http://127.0.0.1:${inject('fakeOpenAIPort')}/v1`
    const set = await call('PUT', url, { key: org.key, body: { openai_base_url: base, openai_api_key: 'sk-org-secret-123' } })
    expect(set.body).toEqual({ openai_base_url: base, openai_api_key_set: true })
    expect(set.text + (await call('GET', url, { key: org.key })).text).not.toContain('sk-org-secret-123')

    const agent = await call('POST', `/v1/organizations/${org.orgId}/agents`, { key: org.key, body: { name: 'Own endpoint', model: 'openai/gpt-4o-mini' } })
    const s = await startTurn(org, { agent_id: agent.body.id, message: 'hi from my org' })
    expect((await waitTurn(org, s)).status).toBe('success')
    expect((await stats()).requests.at(-1)?.authorization).toBe('Bearer sk-org-secret-123')

    const { admin } = await import('./helpers/api')
    const member = await admin('POST', '/users', { email: `member-${crypto.randomUUID()}@example.test` })
    await admin('POST', `/organizations/${org.orgId}/members`, { user_id: member.body.id, role: 'member' })
    const memberKey = (await admin('POST', `/users/${member.body.id}/api-keys`, { name: 'm' })).body.key
    expect((await call('PUT', url, { key: memberKey, body: { openai_api_key: 'x' } })).status).toBe(403)
    expect((await call('PUT', url, { key: org.key, body: { openai_base_url: 'ftp://nope' } })).status).toBe(422)
  })
})
