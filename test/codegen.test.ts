import { runInDurableObject } from 'cloudflare:test'
import { env, exports } from 'cloudflare:workers'
import createClient from 'openapi-fetch'
import { beforeAll, describe, inject, it } from 'vitest'
import { type RateLimiterObject, TAKES } from '../durable-objects/rate-limiter'
import type { paths } from './generated/codegen'
import { admin, BASE, call, createTenant, type Tenant } from './helpers/api'
import { specErrors } from './helpers/spec'

let t: Tenant
let client: ReturnType<typeof createClient<paths>>

const codegenClient = (key: string) => createClient<paths>({ baseUrl: BASE, headers: { authorization: `Bearer ${key}` }, fetch: (req: Request) => exports.default.fetch(req) })

beforeAll(async () => {
  t = await createTenant('codegen')
  client = codegenClient(t.key)
})

async function pollUntilDone(id: number) {
  for (let i = 0; i < 200; i++) {
    const { data } = await client.GET('/v1/organizations/{org_id}/agent/run/{agent_run_id}', { params: { path: { org_id: t.orgId, agent_run_id: id } } })
    if (data && data.status !== 'ACTIVE') return data
    await new Promise((r) => setTimeout(r, 20))
  }
  throw new Error('run did not finish')
}

describe('Codegen agent runs through a client generated from codegen-openapi.json', () => {
  it('create → poll until COMPLETE → result, every body valid against the spec', async ({ expect }) => {
    const { data, response } = await client.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: t.orgId } }, body: { prompt: 'Summarise PR 42', metadata: { ticket: 'X-1' } } })
    expect(response.status).toBe(200)
    expect(specErrors('codegen', 'AgentRunResponse', data)).toEqual([])
    expect(data).toMatchObject({ organization_id: t.orgId, status: 'ACTIVE', source_type: 'API', metadata: { ticket: 'X-1' } })
    expect(Number.isInteger(data?.id)).toBe(true)
    expect(data?.web_url).toMatch(new RegExp(`^${BASE}/v1/organizations/${t.orgId}/runs/[0-9a-f-]{36}$`))

    const done = await pollUntilDone(data?.id ?? 0)
    expect(done).toMatchObject({ status: 'COMPLETE', result: 'You said: Summarise PR 42' })
    expect(specErrors('codegen', 'AgentRunResponse', done)).toEqual([])
    const web = await call('GET', new URL(done.web_url ?? '').pathname, { key: t.key })
    expect(web.body).toMatchObject({ status: 'success', number: done.id })
  })

  it('lists runs as Page[AgentRunResponse] with skip/limit and filters', async ({ expect }) => {
    const other = await createTenant('codegen-list')
    const c2 = codegenClient(other.key)
    for (const prompt of ['a', 'b', 'c']) await c2.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: other.orgId } }, body: { prompt } })
    const { data } = await c2.GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: other.orgId }, query: { skip: 1, limit: 1 } } })
    expect(specErrors('codegen', 'Page_AgentRunResponse_', data)).toEqual([])
    expect(data).toMatchObject({ total: 3, page: 2, size: 1, pages: 3 })
    const chat = await c2.GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: other.orgId }, query: { source_type: 'CHAT' } } })
    expect(chat.data?.total).toBe(0)
    const mine = await c2.GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: other.orgId }, query: { user_id: other.userId } } })
    expect(mine.data?.total).toBe(3)
  })

  it('logs: paged from the run event log, as AgentRunWithLogsResponse', async ({ expect }) => {
    const { data } = await client.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: t.orgId } }, body: { prompt: '/tool render_visual {"kind":"kpi","title":"T","data":{}}' } })
    await pollUntilDone(data?.id ?? 0)
    const logs = await client.GET('/v1/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs', { params: { path: { org_id: t.orgId, agent_run_id: data?.id ?? 0 } } })
    expect(specErrors('codegen', 'AgentRunWithLogsResponse', logs.data)).toEqual([])
    expect(logs.data?.logs.map((l) => l.message_type)).toEqual(['ACTION', 'ACTION', 'ARTIFACT', 'OBSERVATION', 'ACTION', 'FINAL_ANSWER'])
    expect(logs.data?.logs[1]).toMatchObject({ tool_name: 'render_visual', tool_input: { kind: 'kpi', title: 'T', data: {} } })
    const newest = await client.GET('/v1/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs', {
      params: { path: { org_id: t.orgId, agent_run_id: data?.id ?? 0 }, query: { limit: 2, reverse: true } },
    })
    expect(newest.data).toMatchObject({ total_logs: 6, size: 2, pages: 3 })
    expect(newest.data?.logs[0]?.message_type).toBe('FINAL_ANSWER')
  })

  it('resume answers a PAUSED run, and continues a finished one in a new run with its history', async ({ expect }) => {
    const { data } = await client.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: t.orgId } }, body: { prompt: '/ask Which SKU?' } })
    const paused = await pollUntilDone(data?.id ?? 0)
    expect(paused.status).toBe('PAUSED')
    const resumed = await client.POST('/v1/organizations/{org_id}/agent/run/resume', { params: { path: { org_id: t.orgId } }, body: { agent_run_id: paused.id, prompt: 'SKU-7' } })
    expect(resumed.data?.id).toBe(paused.id)
    expect(await pollUntilDone(paused.id)).toMatchObject({ status: 'COMPLETE', result: 'Thanks, you answered: SKU-7' })

    const next = await client.POST('/v1/organizations/{org_id}/agent/run/resume', { params: { path: { org_id: t.orgId } }, body: { agent_run_id: paused.id, prompt: 'and now?' } })
    expect(specErrors('codegen', 'AgentRunResponse', next.data)).toEqual([])
    expect(next.data?.id).not.toBe(paused.id)
    expect(next.data?.metadata).toEqual({ resumed_from: paused.id })
    expect(await pollUntilDone(next.data?.id ?? 0)).toMatchObject({ status: 'COMPLETE', result: 'You said: and now?' })
  })

  it('errors: FastAPI 422, spec-shaped 403/404, and 501 for GitHub-only endpoints', async ({ expect }) => {
    const bad = await client.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: t.orgId } }, body: {} as never })
    expect(bad.response.status).toBe(422)
    expect(specErrors('codegen', 'HTTPValidationError', bad.error)).toEqual([])
    expect(bad.error).toEqual({ detail: [{ loc: ['body', 'prompt'], msg: expect.any(String), type: 'invalid_type' }] })
    const wrongModel = await client.POST('/v1/organizations/{org_id}/agent/run', { params: { path: { org_id: t.orgId } }, body: { prompt: 'x', model: 'gpt 4' } })
    expect((wrongModel.error as { detail: { loc: string[] }[] }).detail[0]?.loc).toEqual(['body', 'model'])

    const missing = await client.GET('/v1/organizations/{org_id}/agent/run/{agent_run_id}', { params: { path: { org_id: t.orgId, agent_run_id: 99999999 } } })
    expect(missing.response.status).toBe(404)
    expect(specErrors('codegen', 'AgentRunNotFoundErrorResponse', missing.error)).toEqual([])
    const other = await createTenant('codegen-other')
    const forbidden = await codegenClient(other.key).GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: t.orgId } } })
    expect(forbidden.response.status).toBe(403)
    expect(specErrors('codegen', 'PermissionsErrorResponse', forbidden.error)).toEqual([])

    const ban = await client.POST('/v1/organizations/{org_id}/agent/run/ban', { params: { path: { org_id: t.orgId } }, body: { agent_run_id: 1 } as never })
    expect(ban.response.status).toBe(501)
    expect(ban.error).toMatchObject({ code: 'not_implemented', status_code: 501 })
    expect((await call('GET', `/v1/organizations/${t.orgId}/repos`, { key: t.key })).status).toBe(501)
  })

  it('users endpoints answer the spec shapes', async ({ expect }) => {
    const me = await client.GET('/v1/users/me')
    expect(specErrors('codegen', 'UserResponse', me.data)).toEqual([])
    const orgs = await client.GET('/v1/organizations')
    expect(specErrors('codegen', 'Page_OrganizationResponse_', orgs.data)).toEqual([])
    const users = await client.GET('/v1/organizations/{org_id}/users', { params: { path: { org_id: t.orgId } } })
    expect(specErrors('codegen', 'Page_UserResponse_', users.data)).toEqual([])
    expect(users.data?.items).toEqual([expect.objectContaining({ id: t.userId, role: 'owner' })])
    const one = await client.GET('/v1/organizations/{org_id}/users/{user_id}', { params: { path: { org_id: t.orgId, user_id: t.userId } } })
    expect(one.data?.id).toBe(t.userId)
    expect((await client.GET('/v1/organizations/{org_id}/users/{user_id}', { params: { path: { org_id: t.orgId, user_id: 987654 } } })).response.status).toBe(404)
  })
})

describe('what Codegen clients send', () => {
  const PNG = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=='
  const create = (body: Record<string, unknown>) => call('POST', `/v1/organizations/${t.orgId}/agent/run`, { key: t.key, body })

  it('a bare model name runs on the default provider; provider/model as given; nonsense is a 422 on model', async ({ expect }) => {
    const bare = await create({ prompt: 'bare model', model: 'gpt-4o' })
    expect(bare.status).toBe(200)
    await pollUntilDone(bare.body.id)
    const run = (await call('GET', new URL(bare.body.web_url).pathname, { key: t.key })).body
    expect(run.model).toBe('dev/gpt-4o')
    expect((await create({ prompt: 'qualified', model: 'dev/echo' })).status).toBe(200)
    for (const model of ['gpt 4o', 'nope/gpt-4o', '']) {
      const bad = await create({ prompt: 'bad model', model })
      expect(bad.status).toBe(422)
      expect(bad.body.detail[0].loc).toEqual(['body', 'model'])
    }
  })

  it('agent_type is one of the spec enum', async ({ expect }) => {
    expect((await create({ prompt: 'typed', agent_type: 'claude_code' })).status).toBe(200)
    const bad = await create({ prompt: 'typed', agent_type: 'devin' })
    expect(bad.status).toBe(422)
    expect(bad.body.detail[0].loc).toEqual(['body', 'agent_type'])
  })

  it('images reach the model: the dev model acknowledges them, an OpenAI-compatible model gets image parts', async ({ expect }) => {
    const dev = await create({ prompt: 'look at this', images: [PNG, PNG] })
    expect((await pollUntilDone(dev.body.id)).result).toBe('You said: look at this (and 2 images)')

    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Vision', model: 'openai/gpt-4o' } })
    const vision = await create({ prompt: 'describe the screenshot', images: [PNG], agent_id: agent.body.id })
    expect((await pollUntilDone(vision.body.id)).status).toBe('COMPLETE')
    const stats = (await (await fetch(`http://127.0.0.1:${inject('fakeOpenAIPort')}/__stats`)).json()) as { requests: { model: string; images: string[] }[] }
    expect(stats.requests.at(-1)).toMatchObject({ model: 'gpt-4o', images: [PNG] })

    const notImage = await create({ prompt: 'x', images: ['https://example.com/a.png'] })
    expect(notImage.status).toBe(422)
    expect(notImage.body.detail[0].loc).toEqual(['body', 'images', 0])
    expect((await create({ prompt: 'x', images: [`data:image/png;base64,${'A'.repeat(1_100_000)}`] })).status).toBe(413)
  })
})

describe('rate limits', () => {
  it('429 with Retry-After and a spec-shaped body, per key, on every dialect', async ({ expect }) => {
    const limited = await createTenant('limited')
    const key = (await admin('POST', `/users/${limited.userId}/api-keys`, { name: 'slow', rate_limit_per_minute: 3 })).body.key
    const c = codegenClient(key)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++) statuses.push((await c.GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: limited.orgId } } })).response.status)
    const over = await c.GET('/v1/organizations/{org_id}/agent/runs', { params: { path: { org_id: limited.orgId } } })
    expect([...statuses, over.response.status]).toEqual([200, 200, 200, 429])
    expect(Number(over.response.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(specErrors('codegen', 'APIRateLimitErrorResponse', over.error)).toEqual([])
    expect(over.error).toMatchObject({ message: 'Rate limit exceeded. Please try again later.', status_code: 429 })
    // Same bucket through the sessions dialect; other keys are unaffected.
    expect((await call('POST', '/v1/sessions/stream', { key, body: { message: 'x' } })).status).toBe(429)
    expect((await call('GET', `/v1/organizations/${limited.orgId}/agents`, { key: limited.key })).status).toBe(200)
  })

  it('per organization, across its keys', async ({ expect }) => {
    const org = await createTenant('org-limited')
    expect((await admin('PATCH', `/organizations/${org.orgId}`, { rate_limit_per_minute: 2 })).body.rate_limit_per_minute).toBe(2)
    const second = (await admin('POST', `/users/${org.userId}/api-keys`, { name: 'second' })).body.key
    const url = `/v1/organizations/${org.orgId}/agents`
    const statuses = [await call('GET', url, { key: org.key }), await call('GET', url, { key: second }), await call('GET', url, { key: second })].map((r) => r.status)
    expect(statuses).toEqual([200, 200, 429])
  })

  it('a busy key or org takes its tokens in leases: one call to its bucket per lease, and the limit still holds', async ({ expect }) => {
    const busy = await createTenant('leased')
    // 6,000 a minute: leases of 10 (100 ms of the limit); the org's 3,000 a minute: leases of 5.
    const made = (await admin('POST', `/users/${busy.userId}/api-keys`, { name: 'busy', rate_limit_per_minute: 6000 })).body
    const url = `/v1/organizations/${busy.orgId}/agents`
    const statuses: number[] = []
    for (let i = 0; i < 40; i++) statuses.push((await call('GET', url, { key: made.key })).status)
    expect(statuses).toEqual(Array<number>(40).fill(200))
    const takes = (name: string) => runInDurableObject(env.RATE_LIMITER.getByName(name) as DurableObjectStub<RateLimiterObject>, (o) => o[TAKES])
    expect(await takes(`key:${made.id}`)).toBeLessThanOrEqual(5)
    expect(await takes(`org:${busy.orgId}`)).toBeLessThanOrEqual(9)
    // Under 1,200 a minute a lease is one token: every request takes its own, as the 429 tests above need.
    const slow = (await admin('POST', `/users/${busy.userId}/api-keys`, { name: 'one-by-one', rate_limit_per_minute: 600 })).body
    for (let i = 0; i < 5; i++) expect((await call('GET', url, { key: slow.key })).status).toBe(200)
    expect(await takes(`key:${slow.id}`)).toBe(5)
    // A lease is tokens taken from the bucket: it never grants more than the bucket holds.
    const grants = await runInDurableObject(env.RATE_LIMITER.getByName(`key:${crypto.randomUUID()}`) as DurableObjectStub<RateLimiterObject>, (o) =>
      [o.take(1200, 1198), o.take(1200, 64), o.take(1200, 2)].map((r) => (r.ok ? r.granted : 0)),
    )
    expect(grants).toEqual([1198, 2, 0])
  })
})
