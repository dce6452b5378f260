import { afterAll, beforeAll, describe, it, vi } from 'vitest'
import { decryptSecret } from '../workers/lib/crypto'
import { call, createTenant, env, type Tenant } from './helpers/api'

const SECRET = 'wb-live-token-DO-NOT-LEAK-7f3a9c'
let t: Tenant
const logged: string[] = []
const url = () => `/v1/organizations/${t.orgId}/credentials`

beforeAll(async () => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map(String).join(' '))
    })
  }
  t = await createTenant('creds')
})

afterAll(() => vi.restoreAllMocks())

describe('credentials', () => {
  it('creates without echoing the secret, and stores only AES-GCM ciphertext bound to the row', async ({ expect }) => {
    const res = await call('POST', url(), {
      key: t.key,
      body: { service_name: 'wildberries', instance_id: 'wb_main', account_label: 'WB Seller — main', secret: SECRET },
    })
    expect(res.status).toBe(201)
    expect(res.body).toEqual({
      id: expect.any(String),
      org_id: t.orgId,
      service_name: 'wildberries',
      instance_id: 'wb_main',
      account_label: 'WB Seller — main',
      base_url: null,
      created_by: t.userId,
      created_at: expect.any(String),
      last_used_at: null,
    })
    expect(res.text).not.toContain(SECRET)

    const row = await env.DB.prepare('SELECT * FROM credentials WHERE id = ?').bind(res.body.id).first<Record<string, string>>()
    expect(JSON.stringify(row)).not.toContain(SECRET)
    const sealed = row?.secret_ciphertext ?? ''
    expect(sealed).toMatch(/^v1\./)
    const key = env.ENCRYPTION_KEY ?? ''
    expect(await decryptSecret(key, sealed, `credential:${t.orgId}:${res.body.id}`)).toBe(SECRET)
    // The additional data binds the ciphertext to its row: it does not open as another row's.
    await expect(decryptSecret(key, sealed, `credential:${t.orgId}:other`)).rejects.toThrow()
  })

  it('lists with paging and gets one, never with the secret', async ({ expect }) => {
    for (const i of [1, 2]) {
      await call('POST', url(), { key: t.key, body: { service_name: 'yandex_market', instance_id: `oz_${i}`, secret: SECRET } })
    }
    const page = await call('GET', `${url()}?limit=2&offset=1`, { key: t.key })
    expect(page.status).toBe(200)
    expect(page.body).toMatchObject({ total: 3, limit: 2, offset: 1 })
    expect(page.body.items.map((c: { instance_id: string }) => c.instance_id)).toEqual(['oz_1', 'oz_2'])
    const one = await call('GET', `${url()}/${page.body.items[0].id}`, { key: t.key })
    expect(one.body.instance_id).toBe('oz_1')
    expect(page.text + one.text).not.toContain(SECRET)
    expect(page.text + one.text).not.toContain('secret')
  })

  it('422 for an unknown service or missing secret; 409 for a duplicate instance', async ({ expect }) => {
    const unknown = await call('POST', url(), { key: t.key, body: { service_name: 'myspace', instance_id: 'x', secret: 's' } })
    expect(unknown.status).toBe(422)
    expect(unknown.body.detail[0].loc).toEqual(['body', 'service_name'])
    const missing = await call('POST', url(), { key: t.key, body: { service_name: 'yandex_market', instance_id: 'y' } })
    expect(missing.body.detail[0].loc).toEqual(['body', 'secret'])
    const dup = await call('POST', url(), { key: t.key, body: { service_name: 'yandex_market', instance_id: 'oz_1', secret: SECRET } })
    expect(dup.status).toBe(409)
    expect(dup.text).not.toContain(SECRET)
  })

  it('deletes; a second delete and a get are 404', async ({ expect }) => {
    const c = (await call('POST', url(), { key: t.key, body: { service_name: 'github', instance_id: 'gh', secret: SECRET } })).body
    expect((await call('DELETE', `${url()}/${c.id}`, { key: t.key })).status).toBe(204)
    expect((await call('DELETE', `${url()}/${c.id}`, { key: t.key })).status).toBe(404)
    expect((await call('GET', `${url()}/${c.id}`, { key: t.key })).status).toBe(404)
  })

  it('no log line written during this file contains the secret or an API key', ({ expect }) => {
    const all = logged.join('\n')
    expect(all).not.toContain(SECRET)
    expect(all).not.toContain(t.key)
  })
})
