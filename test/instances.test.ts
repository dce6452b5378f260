import { env, exports } from 'cloudflare:workers'
import { beforeAll, describe, it } from 'vitest'
import { BASE, call, createTenant, type Tenant } from './helpers/api'
import { waitTurn } from './helpers/sessions'
import { readSse } from './helpers/sse'

let t: Tenant
let agentId: string
const url = (path: string) => `/api/v2/AgentInstance/${path}`

async function turn(message: string, headers: Record<string, string> = {}) {
  const res = await call('POST', '/v1/sessions/stream', { key: t.key, body: { agent_id: agentId, message }, headers })
  await waitTurn(t, res.body)
  return res.body as { session_id: string; turn_id: string }
}

beforeAll(async () => {
  t = await createTenant('instances')
  agentId = (await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Market Pro', code: 'mp' } })).body.id
  await turn('first of u1', { 'x-user-identifier': 'u1', 'x-group-identifier': 'g1', 'user-agent': 'shop-app/2.1', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' })
  await turn('second of u2', { 'x-user-identifier': 'u2', 'x-group-identifier': 'g1' })
  await call('PATCH', `/v1/organizations/${t.orgId}/agents/${agentId}`, { key: t.key, body: { system_prompt: 'v2 prompt' } })
  await turn('third of u1 on v2 /tokens 4', { 'x-user-identifier': 'u1', 'x-group-identifier': 'g2' })
})

describe('GET /api/v2/AgentInstance/:agentCode/:agentVersion', () => {
  it('lists every version newest first, each item in the seed shape with links', async ({ expect }) => {
    const res = await call('GET', url('mp'), { key: t.key })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ total: 3, page: 1, pageSize: 20 })
    expect(res.body.items.map((i: { name: string }) => i.name)).toEqual(['third of u1 on v2 /tokens 4', 'second of u2', 'first of u1'])
    const first = res.body.items[2]
    expect(first).toEqual({
      links: [
        { method: 'GET', url: expect.stringMatching(/\/v1\/organizations\/\d+\/runs\/[0-9a-f-]{36}$/), rel: 'self' },
        { method: 'GET', url: expect.stringMatching(/\/stream$/), rel: 'stream' },
        { method: 'POST', url: expect.stringMatching(/\/cancel$/), rel: 'cancel' },
      ],
      id: expect.any(String),
      name: 'first of u1',
      agentVersion: 1,
      startDate: expect.any(String),
      endDate: expect.any(String),
      timeToFirstToken: expect.any(Number),
      channel: 'session',
      userIdentifier: 'u1',
      groupIdentifier: 'g1',
      ipAddress: '203.0.113.9',
      userAgent: 'shop-app/2.1',
      usage: { promptTokens: expect.any(Number), completionTokens: 5, totalTokens: expect.any(Number) },
      costs: { prompt: expect.any(Number), completion: 0.00001, services: 0, total: expect.any(Number), currency: 'USD' },
    })
    const self = await call('GET', new URL(first.links[0].url).pathname, { key: t.key })
    expect(self.body).toMatchObject({ id: first.id, status: 'success' })
  })

  it('totals come from trigger-kept counts that follow every insert and delete of a run', async ({ expect }) => {
    const other = await createTenant('instances-counts')
    const agent = (await call('POST', `/v1/organizations/${other.orgId}/agents`, { key: other.key, body: { name: 'Counted', code: 'counted' } })).body.id
    const start = (message: string) => call('POST', '/v1/sessions/stream', { key: other.key, body: { agent_id: agent, message } })
    const turns = [await start('one'), await start('two'), await start('three')]
    for (const s of turns) await waitTurn(other, s.body)
    const counted = async () => {
      const kept = await env.DB.prepare('SELECT coalesce(sum(runs), 0) AS n FROM agent_run_counts WHERE agent_id = ?').bind(agent).first<{ n: number }>()
      const real = await env.DB.prepare('SELECT count(*) AS n FROM runs WHERE agent_id = ?').bind(agent).first<{ n: number }>()
      const api = (await call('GET', `/api/v2/AgentInstance/counted`, { key: other.key })).body.total
      return [kept?.n, real?.n, api]
    }
    expect(await counted()).toEqual([3, 3, 3])
    await env.DB.prepare('DELETE FROM runs WHERE id = ?').bind(turns[1]?.body.turn_id).run()
    expect(await counted()).toEqual([2, 2, 2])
  })

  it('filters by version, user, group and name search; sorts asc', async ({ expect }) => {
    const names = async (path: string) => (await call('GET', url(path), { key: t.key })).body.items.map((i: { name: string }) => i.name)
    expect(await names('mp/2')).toEqual(['third of u1 on v2 /tokens 4'])
    expect(await names('mp?userIdentifier=u1&sort=asc')).toEqual(['first of u1', 'third of u1 on v2 /tokens 4'])
    expect(await names('mp?groupIdentifier=g1')).toEqual(['second of u2', 'first of u1'])
    expect(await names('mp?search=SECOND')).toEqual(['second of u2'])
    expect(await names('mp?search=%25')).toEqual([])
    expect(await names('mp/1?userIdentifier=u1')).toEqual(['first of u1'])
  })

  it('pages with self/next/prev links; pageSize is capped at 100', async ({ expect }) => {
    const p2 = await call('GET', url('mp?page=2&pageSize=1&userIdentifier=u1'), { key: t.key })
    expect(p2.body).toMatchObject({ total: 2, page: 2, pageSize: 1 })
    expect(p2.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'prev'])
    const p1 = await call('GET', new URL(p2.body.links[1].url).pathname + new URL(p2.body.links[1].url).search, { key: t.key })
    expect(p1.body.links.map((l: { rel: string }) => l.rel)).toEqual(['self', 'next'])
    expect(p1.body.items[0].name).toBe('third of u1 on v2 /tokens 4')
    expect((await call('GET', url('mp?pageSize=5000'), { key: t.key })).body.pageSize).toBe(100)
  })

  it('answers text/plain, application/json and text/json', async ({ expect }) => {
    for (const accept of ['text/plain', 'application/json', 'text/json']) {
      const res = await exports.default.fetch(`${BASE}${url('mp')}`, { headers: { authorization: `Bearer ${t.key}`, accept } })
      expect(res.headers.get('content-type')).toBe(`${accept}; charset=utf-8`)
      expect((await res.json<{ total: number }>()).total).toBe(3)
    }
  })

  it('401/403/404/422 as ProblemDetails, in English or Spanish', async ({ expect }) => {
    const none = await call('GET', url('mp'))
    expect(none.status).toBe(401)
    expect(none.body).toMatchObject({ status: 401, title: 'Unauthorized', traceId: expect.any(String) })
    const missing = await call('GET', url('nope?culture=es'), { key: t.key })
    expect(missing.status).toBe(404)
    expect(missing.body).toMatchObject({ status: 404, title: 'Agente no encontrado', detail: 'No se encontró el agente con ese código' })
    expect((await call('GET', url('mp/9?culture=es'), { key: t.key })).body).toMatchObject({ title: 'Versión del agente no encontrada' })
    expect((await call('GET', url('mp?culture=es'))).body).toMatchObject({ status: 401, title: 'No autorizado' })
    expect((await call('GET', url('nope'), { key: t.key })).body.detail).toBe('Agent not found')
    expect((await call('GET', url('mp/9'), { key: t.key })).status).toBe(404)
    const other = await createTenant('instances-other')
    expect((await call('GET', url('mp'), { key: other.key })).status).toBe(404)
    expect((await call('GET', url(`mp?orgId=${t.orgId}`), { key: other.key })).status).toBe(403)
    const bad = await call('GET', url('mp?sort=sideways&page=0&culture=es'), { key: t.key })
    expect(bad.status).toBe(422)
    expect(bad.body).toMatchObject({ title: 'Errores de validación', detail: 'Se produjeron uno o más errores de validación.' })
    expect(Object.keys(bad.body.errors).sort()).toEqual(['page', 'sort'])
  })
})

describe('one run, every dialect', () => {
  it('a Codegen run shows the same usage and cost in AgentInstance, and streams through sessions and runs', async ({ expect }) => {
    const created = await call('POST', `/v1/organizations/${t.orgId}/agent/run`, { key: t.key, body: { prompt: 'cross dialect /tokens 7', agent_id: agentId } })
    const runId = new URL(created.body.web_url).pathname.split('/').at(-1) ?? ''
    const live = (await call('GET', `/v1/organizations/${t.orgId}/runs/${runId}/wait?timeout=20`, { key: t.key })).body
    expect(live.status).toBe('success')

    const instance = (await call('GET', url('mp'), { key: t.key })).body.items.find((i: { id: string }) => i.id === runId)
    expect(instance).toMatchObject({
      channel: 'codegen',
      usage: { promptTokens: live.usage.prompt_tokens, completionTokens: 7, totalTokens: live.usage.total_tokens },
      costs: live.costs,
    })
    const codegen = await call('GET', `/v1/organizations/${t.orgId}/agent/run/${created.body.id}`, { key: t.key })
    expect(codegen.body).toMatchObject({ status: 'COMPLETE', result: live.output })

    const run = (await call('GET', `/v1/organizations/${t.orgId}/runs/${runId}`, { key: t.key })).body
    const viaRuns = await readSse(await exports.default.fetch(`${BASE}/v1/organizations/${t.orgId}/runs/${runId}/stream`, { headers: { authorization: `Bearer ${t.key}` } }))
    const viaSession = await readSse(await exports.default.fetch(`${BASE}/v1/sessions/${run.thread_id}/turns/${runId}/stream`, { headers: { authorization: `Bearer ${t.key}` } }))
    expect(viaSession.events).toEqual(viaRuns.events)
    expect(viaRuns.events.at(-1)?.data).toMatchObject({ status: 'success', usage: live.usage, costs: live.costs })
  })
})
