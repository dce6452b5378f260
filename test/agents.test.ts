import { beforeAll, describe, it } from 'vitest'
import { call, createTenant, env, type Tenant } from './helpers/api'

let t: Tenant
const agentsUrl = () => `/v1/organizations/${t.orgId}/agents`

beforeAll(async () => {
  t = await createTenant('agents')
})

async function newAgent(body: Record<string, unknown>) {
  const res = await call('POST', agentsUrl(), { key: t.key, body })
  if (res.status !== 201) throw new Error(`create failed ${res.status} ${res.text}`)
  return res.body
}

describe('POST /agents', () => {
  it('creates with only a name and answers the seed shape', async ({ expect }) => {
    const res = await call('POST', agentsUrl(), { key: t.key, body: { name: 'Marketplace Manager' } })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      org_id: t.orgId,
      name: 'Marketplace Manager',
      description: null,
      system_prompt: null,
      avatar_url: null,
      is_enabled: true,
      created_by: t.userId,
      connectors: [],
      kind: 'custom',
      code: 'marketplace-manager',
      model: 'dev/echo',
      version: 1,
    })
    expect(res.body.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(Date.parse(res.body.created_at)).not.toBeNaN()
  })

  it('derives a free code from the name and rejects an explicit duplicate', async ({ expect }) => {
    const a = await newAgent({ name: 'Support Bot!' })
    const b = await newAgent({ name: 'support bot' })
    expect([a.code, b.code]).toEqual(['support-bot', 'support-bot-2'])
    const dup = await call('POST', agentsUrl(), { key: t.key, body: { name: 'x', code: 'support-bot' } })
    expect(dup.status).toBe(422)
    expect(dup.body.detail[0].loc).toEqual(['body', 'code'])
  })

  it('answers 422 naming each bad field, unknown fields included', async ({ expect }) => {
    const res = await call('POST', agentsUrl(), {
      key: t.key,
      body: { name: '', model: 'nope', avatar_url: 'ftp://x', systemPrompt: 'typo' },
    })
    expect(res.status).toBe(422)
    const locs = res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))
    expect(locs.sort()).toEqual(['body.avatar_url', 'body.model', 'body.name', 'body.systemPrompt'])
  })

  it('answers 422 when the body is missing or is not an object', async ({ expect }) => {
    const missing = await call('POST', agentsUrl(), { key: t.key })
    expect(missing.status).toBe(422)
    expect(missing.body.detail[0].loc).toEqual(['body', 'name'])
    const array = await call('POST', agentsUrl(), { key: t.key, body: [1, 2] })
    expect(array.status).toBe(422)
  })
})

describe('GET /agents', () => {
  it('lists the system agent first, then custom agents, with total and paging', async ({ expect }) => {
    const other = await createTenant('paging')
    const url = `/v1/organizations/${other.orgId}/agents`
    for (const name of ['A1', 'A2', 'A3']) await call('POST', url, { key: other.key, body: { name } })
    const all = await call('GET', url, { key: other.key })
    expect(all.status).toBe(200)
    expect(all.body.total).toBe(4)
    expect(all.body.items.map((a: { kind: string; name: string }) => `${a.kind}:${a.name}`)).toEqual(['system:Assistant', 'custom:A1', 'custom:A2', 'custom:A3'])
    const page = await call('GET', `${url}?limit=2&offset=2`, { key: other.key })
    expect(page.body).toMatchObject({ total: 4, limit: 2, offset: 2 })
    expect(page.body.items.map((a: { name: string }) => a.name)).toEqual(['A2', 'A3'])
  })

  it('rejects a limit over 100 and a negative offset with 422 in query', async ({ expect }) => {
    const res = await call('GET', `${agentsUrl()}?limit=1000&offset=-1`, { key: t.key })
    expect(res.status).toBe(422)
    expect(res.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort()).toEqual(['query.limit', 'query.offset'])
  })

  it('gets one agent, and 404 for an unknown id', async ({ expect }) => {
    const a = await newAgent({ name: 'Getter' })
    const res = await call('GET', `${agentsUrl()}/${a.id}`, { key: t.key })
    expect(res.status).toBe(200)
    expect(res.body).toEqual(a)
    const missing = await call('GET', `${agentsUrl()}/${crypto.randomUUID()}`, { key: t.key })
    expect(missing.status).toBe(404)
  })
})

describe('PATCH /agents/{id}', () => {
  it('applies a partial profile and bumps the version with a snapshot', async ({ expect }) => {
    const a = await newAgent({ name: 'Versioned', system_prompt: 'v1 prompt' })
    const res = await call('PATCH', `${agentsUrl()}/${a.id}`, {
      key: t.key,
      body: { description: 'WB + Ozon + Yandex Market', system_prompt: 'v2 prompt' },
    })
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ name: 'Versioned', description: 'WB + Ozon + Yandex Market', system_prompt: 'v2 prompt', version: 2 })
    const { results } = await env.DB.prepare('SELECT version, system_prompt FROM agent_versions WHERE agent_id = ? ORDER BY version').bind(a.id).all()
    expect(results).toEqual([
      { version: 1, system_prompt: 'v1 prompt' },
      { version: 2, system_prompt: 'v2 prompt' },
    ])
  })

  it('does not bump the version when nothing in the profile changes', async ({ expect }) => {
    const a = await newAgent({ name: 'Stable', description: 'same' })
    const res = await call('PATCH', `${agentsUrl()}/${a.id}`, { key: t.key, body: { description: 'same', is_enabled: false } })
    expect(res.body).toMatchObject({ version: 1, is_enabled: false })
  })

  it('422 for unknown fields and bad values', async ({ expect }) => {
    const a = await newAgent({ name: 'Strict' })
    const res = await call('PATCH', `${agentsUrl()}/${a.id}`, { key: t.key, body: { code: 'new-code', is_enabled: 'yes' } })
    expect(res.status).toBe(422)
    expect(res.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort()).toEqual(['body.code', 'body.is_enabled'])
  })
})

describe('DELETE /agents/{id}', () => {
  it('soft-deletes: gone from list and get, row kept in D1, code free again', async ({ expect }) => {
    const a = await newAgent({ name: 'Doomed' })
    expect((await call('DELETE', `${agentsUrl()}/${a.id}`, { key: t.key })).status).toBe(204)
    expect((await call('GET', `${agentsUrl()}/${a.id}`, { key: t.key })).status).toBe(404)
    const list = await call('GET', `${agentsUrl()}?limit=100`, { key: t.key })
    expect(list.body.items.some((x: { id: string }) => x.id === a.id)).toBe(false)
    const row = await env.DB.prepare('SELECT deleted_at FROM agents WHERE id = ?').bind(a.id).first<{ deleted_at: string }>()
    expect(row?.deleted_at).toMatch(/^\d{4}-/)
    expect((await call('DELETE', `${agentsUrl()}/${a.id}`, { key: t.key })).status).toBe(404)
    const again = await newAgent({ name: 'Doomed' })
    expect(again.code).toBe('doomed')
  })
})

describe('the system agent', () => {
  it('exists once per org and refuses every mutation with 400', async ({ expect }) => {
    const list = await call('GET', agentsUrl(), { key: t.key })
    const system = list.body.items[0]
    expect(system).toMatchObject({ kind: 'system', code: 'system' })
    const base = `${agentsUrl()}/${system.id}`
    const attempts = [
      await call('PATCH', base, { key: t.key, body: { name: 'Hacked' } }),
      await call('DELETE', base, { key: t.key }),
      await call('PUT', `${base}/connectors`, { key: t.key, body: { connector_keys: ['ozon'] } }),
      await call('POST', `${base}/grants`, { key: t.key, body: { credential_id: crypto.randomUUID() } }),
      await call('DELETE', `${base}/grants/${crypto.randomUUID()}`, { key: t.key }),
    ]
    expect(attempts.map((r) => r.status)).toEqual([400, 400, 400, 400, 400])
    expect(attempts[0]?.body).toEqual({ detail: 'The system agent is read-only', message: 'The system agent is read-only', status_code: 400, code: 'bad_request' })
    const after = await call('GET', base, { key: t.key })
    expect(after.body).toEqual(system)
  })
})
