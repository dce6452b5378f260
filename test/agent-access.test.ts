import { describe, it } from 'vitest'
import { call, createTenant, env, type Tenant } from './helpers/api'

let t: Tenant
const org = () => `/v1/organizations/${t.orgId}`

/** A fresh org per case, so other cases' credentials do not show up in its lists. */
async function setup(connectors: string[]) {
  t = await createTenant('access')
  const agent = (await call('POST', `${org()}/agents`, { key: t.key, body: { name: `agent ${crypto.randomUUID()}` } })).body
  if (connectors.length) await call('PUT', `${org()}/agents/${agent.id}/connectors`, { key: t.key, body: { connector_keys: connectors } })
  const mk = async (service_name: string) =>
    (
      await call('POST', `${org()}/credentials`, {
        key: t.key,
        body: {
          service_name,
          instance_id: `${service_name}_${crypto.randomUUID().slice(0, 6)}`,
          account_label: service_name,
          secret: service_name === 'ozon' ? '{"client_id":"1","api_key":"tok"}' : 'tok',
        },
      })
    ).body
  return { agent, wb: await mk('wildberries'), ozon: await mk('ozon'), gh: await mk('github') }
}

describe('PUT /agents/{id}/connectors', () => {
  it('replaces the list, de-duplicates, bumps version, and an empty list clears', async ({ expect }) => {
    const { agent } = await setup([])
    const url = `${org()}/agents/${agent.id}/connectors`
    const set = await call('PUT', url, { key: t.key, body: { connector_keys: ['wildberries', 'ozon', 'telegram', 'ozon'] } })
    expect(set.status).toBe(200)
    expect(set.body).toMatchObject({ connectors: ['wildberries', 'ozon', 'telegram'], version: 2 })
    const cleared = await call('PUT', url, { key: t.key, body: { connector_keys: [] } })
    expect(cleared.body.connectors).toEqual([])
  })

  it('422 names every unknown key by index and changes nothing', async ({ expect }) => {
    const { agent } = await setup(['ozon'])
    const res = await call('PUT', `${org()}/agents/${agent.id}/connectors`, {
      key: t.key,
      body: { connector_keys: ['ozon', 'myspace', 'wildberries', 'fax'] },
    })
    expect(res.status).toBe(422)
    expect(res.body.detail.map((d: { loc: unknown[] }) => d.loc)).toEqual([
      ['body', 'connector_keys', 1],
      ['body', 'connector_keys', 3],
    ])
    const after = await call('GET', `${org()}/agents/${agent.id}`, { key: t.key })
    expect(after.body.connectors).toEqual(['ozon'])
  })
})

describe('available credentials and grants', () => {
  it('lists only credentials of allowed connectors, with granted/grant_id in the seed shape', async ({ expect }) => {
    const { agent, wb, ozon } = await setup(['wildberries', 'ozon'])
    const grant = await call('POST', `${org()}/agents/${agent.id}/grants`, {
      key: t.key,
      body: { credential_id: ozon.id, scopes: { read: true, write: false } },
    })
    expect(grant.status).toBe(201)
    expect(grant.body).toMatchObject({ agent_id: agent.id, credential_id: ozon.id, scopes: { read: true, write: false } })

    const res = await call('GET', `${org()}/agents/${agent.id}/available-credentials`, { key: t.key })
    expect(res.status).toBe(200)
    const byId = Object.fromEntries(res.body.map((c: { credential_id: string }) => [c.credential_id, c]))
    expect(Object.keys(byId).sort()).toEqual([ozon.id, wb.id].sort())
    expect(byId[wb.id]).toEqual({
      credential_id: wb.id,
      service_name: 'wildberries',
      instance_id: wb.instance_id,
      account_label: 'wildberries',
      last_used_at: null,
      granted: false,
      grant_id: null,
    })
    expect(byId[ozon.id]).toMatchObject({ granted: true, grant_id: grant.body.id })
  })

  it('scopes default to read and write', async ({ expect }) => {
    const { agent, wb } = await setup(['wildberries'])
    const res = await call('POST', `${org()}/agents/${agent.id}/grants`, { key: t.key, body: { credential_id: wb.id } })
    expect(res.body.scopes).toEqual({ read: true, write: true })
    const row = await env.DB.prepare('SELECT scope_read, scope_write FROM grants WHERE id = ?').bind(res.body.id).first()
    expect(row).toEqual({ scope_read: 1, scope_write: 1 })
  })

  it('422 when the credential connector is not allowed; 404 for an unknown credential; 409 twice', async ({ expect }) => {
    const { agent, wb, gh } = await setup(['wildberries'])
    const url = `${org()}/agents/${agent.id}/grants`
    const notAllowed = await call('POST', url, { key: t.key, body: { credential_id: gh.id } })
    expect(notAllowed.status).toBe(422)
    expect(notAllowed.body.detail[0]).toMatchObject({ loc: ['body', 'credential_id'], type: 'connector_not_allowed' })
    expect((await call('POST', url, { key: t.key, body: { credential_id: crypto.randomUUID() } })).status).toBe(404)
    expect((await call('POST', url, { key: t.key, body: { credential_id: wb.id } })).status).toBe(201)
    expect((await call('POST', url, { key: t.key, body: { credential_id: wb.id } })).status).toBe(409)
    const bad = await call('POST', url, { key: t.key, body: { credential_id: wb.id, scopes: { read: 'yes', admin: true } } })
    expect(bad.status).toBe(422)
    expect(bad.body.detail.map((d: { loc: string[] }) => d.loc.join('.')).sort()).toEqual(['body.scopes.admin', 'body.scopes.read'])
  })

  it('lists and revokes grants; revoking twice is 404', async ({ expect }) => {
    const { agent, wb } = await setup(['wildberries'])
    const g = (await call('POST', `${org()}/agents/${agent.id}/grants`, { key: t.key, body: { credential_id: wb.id } })).body
    const list = await call('GET', `${org()}/agents/${agent.id}/grants`, { key: t.key })
    expect(list.body).toMatchObject({ total: 1, items: [{ id: g.id }] })
    expect((await call('DELETE', `${org()}/agents/${agent.id}/grants/${g.id}`, { key: t.key })).status).toBe(204)
    expect((await call('DELETE', `${org()}/agents/${agent.id}/grants/${g.id}`, { key: t.key })).status).toBe(404)
    const avail = await call('GET', `${org()}/agents/${agent.id}/available-credentials`, { key: t.key })
    expect(avail.body[0]).toMatchObject({ credential_id: wb.id, granted: false, grant_id: null })
  })

  it('narrowing the connectors revokes grants the agent can no longer reach', async ({ expect }) => {
    const { agent, wb, ozon } = await setup(['wildberries', 'ozon'])
    for (const c of [wb, ozon]) await call('POST', `${org()}/agents/${agent.id}/grants`, { key: t.key, body: { credential_id: c.id } })
    await call('PUT', `${org()}/agents/${agent.id}/connectors`, { key: t.key, body: { connector_keys: ['ozon'] } })
    const { results } = await env.DB.prepare('SELECT credential_id FROM grants WHERE agent_id = ?').bind(agent.id).all()
    expect(results).toEqual([{ credential_id: ozon.id }])
  })

  it('deleting a credential deletes its grants', async ({ expect }) => {
    const { agent, wb } = await setup(['wildberries'])
    await call('POST', `${org()}/agents/${agent.id}/grants`, { key: t.key, body: { credential_id: wb.id } })
    expect((await call('DELETE', `${org()}/credentials/${wb.id}`, { key: t.key })).status).toBe(204)
    const n = await env.DB.prepare('SELECT count(*) AS n FROM grants WHERE credential_id = ?').bind(wb.id).first('n')
    expect(n).toBe(0)
    expect((await call('GET', `${org()}/agents/${agent.id}/available-credentials`, { key: t.key })).body).toEqual([])
  })
})
