import { exports } from 'cloudflare:workers'
import { beforeAll, describe, it } from 'vitest'
import { admin, BASE, call, createTenant, type Tenant } from './helpers/api'

let a: Tenant
let b: Tenant

beforeAll(async () => {
  a = await createTenant('auth-a')
  b = await createTenant('auth-b')
})

describe('API keys', () => {
  it('401 without a key, with a bad key, and with a malformed Authorization header', async ({ expect }) => {
    const url = `/v1/organizations/${a.orgId}/agents`
    const none = await call('GET', url)
    expect(none.status).toBe(401)
    expect(none.body).toMatchObject({ code: 'unauthenticated' })
    expect((await call('GET', url, { key: 'ap_not_a_real_key' })).status).toBe(401)
    expect((await call('GET', url, { headers: { authorization: `Basic ${a.key}` } })).status).toBe(401)
  })

  it('accepts Bearer and x-api-key', async ({ expect }) => {
    const url = `/v1/organizations/${a.orgId}/agents`
    expect((await call('GET', url, { key: a.key })).status).toBe(200)
    expect((await call('GET', url, { headers: { authorization: `bearer ${a.key}` } })).status).toBe(200)
    expect((await call('GET', url, { headers: { 'x-api-key': a.key } })).status).toBe(200)
  })

  it('stores only the hash: the key text is nowhere in D1', async ({ expect }) => {
    const { env } = await import('cloudflare:workers')
    const { results } = await env.DB.prepare('SELECT * FROM api_keys').all()
    expect(JSON.stringify(results)).not.toContain(a.key)
  })

  it('a revoked key stops working at once', async ({ expect }) => {
    const key = await admin('POST', `/users/${a.userId}/api-keys`, { name: 'short-lived' })
    expect((await call('GET', '/v1/users/me', { key: key.body.key })).status).toBe(200)
    expect((await admin('DELETE', `/api-keys/${key.body.id}`)).status).toBe(204)
    expect((await call('GET', '/v1/users/me', { key: key.body.key })).status).toBe(401)
    expect((await admin('DELETE', `/api-keys/${key.body.id}`)).status).toBe(404)
  })
})

describe('membership', () => {
  it('403 for an org the caller is not a member of, existing or not', async ({ expect }) => {
    const other = await call('GET', `/v1/organizations/${b.orgId}/agents`, { key: a.key })
    expect(other.status).toBe(403)
    expect(other.body).toEqual({ detail: 'Not a member of this organization', message: 'Not a member of this organization', status_code: 403, code: 'forbidden' })
    expect((await call('GET', '/v1/organizations/999999/agents', { key: a.key })).status).toBe(403)
  })

  it('422 for an org id that is not an integer', async ({ expect }) => {
    const res = await call('GET', '/v1/organizations/abc/agents', { key: a.key })
    expect(res.status).toBe(422)
    expect(res.body.detail[0].loc).toEqual(['path', 'org_id'])
  })

  it('a plain member gets in after being added', async ({ expect }) => {
    const u = await admin('POST', '/users', { email: `m-${crypto.randomUUID()}@example.test` })
    const k = await admin('POST', `/users/${u.body.id}/api-keys`, { name: 'm' })
    expect((await call('GET', `/v1/organizations/${a.orgId}/agents`, { key: k.body.key })).status).toBe(403)
    expect((await admin('POST', `/organizations/${a.orgId}/members`, { user_id: u.body.id })).status).toBe(204)
    expect((await call('GET', `/v1/organizations/${a.orgId}/agents`, { key: k.body.key })).status).toBe(200)
  })
})

describe('users/me and organizations', () => {
  it('GET /v1/users/me is the key owner', async ({ expect }) => {
    const me = await call('GET', '/v1/users/me', { key: a.key })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ id: a.userId, email: expect.stringContaining('@example.test') })
  })

  it("GET /v1/organizations lists only the caller's orgs as the Codegen spec's Page", async ({ expect }) => {
    const orgs = await call('GET', '/v1/organizations', { key: a.key })
    expect(orgs.body).toMatchObject({ total: 1, page: 1, size: 100, pages: 1, items: [{ id: a.orgId, role: 'owner', settings: { enable_pr_creation: false } }] })
    const none = await call('GET', '/v1/organizations?skip=1&limit=1', { key: a.key })
    expect(none.body).toMatchObject({ total: 1, page: 2, size: 1, items: [] })
  })

  it('the local dev key reaches org 1 "dev" (DEV_API_KEY)', async ({ expect }) => {
    const orgs = await call('GET', '/v1/organizations', { key: 'ap_dev_key' })
    expect(orgs.status).toBe(200)
    expect(orgs.body.items).toEqual([expect.objectContaining({ id: 1, name: 'dev', role: 'owner' })])
    const agents = await call('GET', '/v1/organizations/1/agents', { key: 'ap_dev_key' })
    expect(agents.body.items[0]).toMatchObject({ kind: 'system' })
  })
})

describe('admin', () => {
  it('401 without or with a wrong ADMIN_TOKEN; an API key is not an admin token', async ({ expect }) => {
    expect((await call('POST', '/admin/organizations', { body: { name: 'x' } })).status).toBe(401)
    expect((await call('POST', '/admin/organizations', { key: 'nope', body: { name: 'x' } })).status).toBe(401)
    expect((await call('POST', '/admin/organizations', { key: a.key, body: { name: 'x' } })).status).toBe(401)
  })

  it('creates an org with its system agent; 409 on a taken email; 404 adding to a missing org', async ({ expect }) => {
    const org = await admin('POST', '/organizations', { name: 'Acme' })
    expect(org.status).toBe(201)
    expect(org.body).toMatchObject({ id: expect.any(Number), name: 'Acme' })
    const { env } = await import('cloudflare:workers')
    const sys = await env.DB.prepare("SELECT count(*) AS n FROM agents WHERE org_id = ? AND kind = 'system'").bind(org.body.id).first('n')
    expect(sys).toBe(1)
    const email = `dup-${crypto.randomUUID()}@example.test`
    expect((await admin('POST', '/users', { email })).status).toBe(201)
    expect((await admin('POST', '/users', { email })).status).toBe(409)
    expect((await admin('POST', '/organizations/999999/members', { user_id: a.userId })).status).toBe(404)
    expect((await admin('POST', '/users', { email: 'not-an-email' })).status).toBe(422)
  })

  it('the key is shown once and starts with ap_', async ({ expect }) => {
    const k = await admin('POST', `/users/${a.userId}/api-keys`, { name: 'ci' })
    expect(k.body.key).toMatch(/^ap_[\w-]{32}$/)
    expect(k.body.prefix).toBe(k.body.key.slice(0, 7))
  })
})

describe('request ids', () => {
  it('every response carries x-request-id, and a given one is echoed', async ({ expect }) => {
    const responses = await Promise.all([
      exports.default.fetch(`${BASE}/v1/users/me`),
      exports.default.fetch(`${BASE}/nowhere`),
      exports.default.fetch(`${BASE}/v1/users/me`, { headers: { authorization: `Bearer ${a.key}` } }),
    ])
    for (const res of responses) expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/)
    const echoed = await exports.default.fetch(`${BASE}/health`, { headers: { 'x-request-id': 'trace-abc-123' } })
    expect(echoed.headers.get('x-request-id')).toBe('trace-abc-123')
  })
})

describe('failed authentication is rate limited', () => {
  const url = '/v1/users/me'
  const from = (ip: string, key: string) => call('GET', url, { key, headers: { 'cf-connecting-ip': ip } })

  it('by client address: the 21st wrong key within a minute is a 429 with Retry-After; a valid key still passes', async ({ expect }) => {
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await from('203.0.113.7', `ap_wrong${i}-${crypto.randomUUID()}`)).status)
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429])
    const limited = await from('203.0.113.7', `ap_other-${crypto.randomUUID()}`)
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    expect(limited.body).toMatchObject({ code: 'rate_limited' })
    expect((await from('203.0.113.7', a.key)).status).toBe(200)
    expect((await from('203.0.113.8', `ap_fresh-${crypto.randomUUID()}`)).status).toBe(401)
  })

  it('by key prefix: one wrong key tried from many addresses', async ({ expect }) => {
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await from(`198.51.100.${i}`, 'ap_Zz9leaked-and-revoked')).status)
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429])
  })

  it('the admin token too', async ({ expect }) => {
    const statuses: number[] = []
    for (let i = 0; i < 21; i++) statuses.push((await call('GET', '/admin/organizations/1', { key: `guess-${i}-${crypto.randomUUID()}`, headers: { 'cf-connecting-ip': '192.0.2.99' } })).status)
    expect(statuses).toEqual([...Array<number>(20).fill(401), 429])
  })
})
