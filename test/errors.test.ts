import { beforeAll, describe, it } from 'vitest'
import { call, createTenant, type Tenant } from './helpers/api'

let t: Tenant
beforeAll(async () => {
  t = await createTenant('errors')
})

describe('error mapping', () => {
  it('413 for a body over 1 MiB, in the dialect shape', async ({ expect }) => {
    const res = await call('POST', `/v1/organizations/${t.orgId}/agents`, {
      key: t.key,
      body: { name: 'big', system_prompt: 'x'.repeat(1024 * 1024 + 10) },
    })
    expect(res.status).toBe(413)
    expect(res.body).toMatchObject({ detail: 'Request body exceeds 1048576 bytes', status_code: 413, code: 'payload_too_large' })
  })

  it('422 for malformed JSON, with loc body', async ({ expect }) => {
    const res = await call('POST', `/v1/organizations/${t.orgId}/agents`, {
      key: t.key,
      rawBody: '{"name": ',
      headers: { 'content-type': 'application/json' },
    })
    expect(res.status).toBe(422)
    expect(res.body).toEqual({ detail: [{ loc: ['body'], msg: 'Malformed JSON in request body', type: 'json_invalid' }] })
  })

  it('415 for a non-JSON content type', async ({ expect }) => {
    const res = await call('POST', `/v1/organizations/${t.orgId}/agents`, {
      key: t.key,
      rawBody: 'name=x',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(res.status).toBe(415)
    expect(res.body.code).toBe('unsupported_media_type')
  })

  it('404 JSON for unknown routes, inside and outside /v1', async ({ expect }) => {
    const inside = await call('GET', '/v1/nothing-here', { key: t.key })
    expect(inside.status).toBe(404)
    expect(inside.body).toMatchObject({ detail: 'No route for GET /v1/nothing-here', status_code: 404, code: 'not_found' })
    const outside = await call('DELETE', '/elsewhere')
    expect(outside.status).toBe(404)
    expect(outside.headers.get('content-type')).toContain('application/json')
  })

  it('weird inputs never produce a 500', async ({ expect }) => {
    const url = `/v1/organizations/${t.orgId}/agents`
    const bodies: unknown[] = [
      null,
      42,
      'str',
      [],
      { name: null },
      { name: 'x'.repeat(10_000) },
      { name: 'ok', model: 'x/'.repeat(200) },
      { name: '\u0000\ud800', code: '../../etc' },
      { name: 'ok', avatar_url: 'javascript:alert(1)' },
    ]
    for (const body of bodies) {
      const res = await call('POST', url, { key: t.key, body })
      expect(res.status, JSON.stringify(body).slice(0, 80)).toBeLessThan(500)
    }
    for (const q of ['limit=abc', 'limit=1e309', 'offset=NaN', 'limit=', 'limit=2&limit=3']) {
      expect((await call('GET', `${url}?${q}`, { key: t.key })).status, q).toBeLessThan(500)
    }
    const nul = await call('GET', `${url}/${'%00'.repeat(50)}`, { key: t.key })
    expect(nul.status).toBe(422)
    expect(nul.body.detail[0].loc).toEqual(['path', 'agent_id'])
    expect((await call('GET', `/v1/organizations/${'9'.repeat(40)}/agents`, { key: t.key })).status).toBe(422)
  })

  it('serves its OpenAPI document without a key', async ({ expect }) => {
    const res = await call('GET', '/v1/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.openapi).toBe('3.1.0')
    expect(Object.keys(res.body.paths)).toContain('/organizations/{org_id}/agents/{agent_id}/available-credentials')
    expect(res.body.components.schemas.Agent.properties).toHaveProperty('kind')
  })
})
