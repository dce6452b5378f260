import { describe, it } from 'vitest'
import { call, createTenant } from './helpers/api'

describe('smoke', () => {
  it('creates an agent', async ({ expect }) => {
    const t = await createTenant()
    const res = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Marketplace Manager' } })
    expect(res.status).toBe(201)
    expect(res.body.code).toBe('marketplace-manager')
  })
})
