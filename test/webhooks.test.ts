import { beforeAll, describe, inject, it } from 'vitest'
import { call, createTenant, type Tenant } from './helpers/api'
import { until } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

let t: Tenant
const base = () => `http://127.0.0.1:${inject('fakeOpenAIPort')}`
const received = async (name: string) => (await (await fetch(`${base()}/__hooks/${name}`)).json()) as { delivery: string; attempt: number; headers: Record<string, string>; body: string }[]

async function hmacHex(secret: string, text: string) {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return [...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

beforeAll(async () => {
  t = await createTenant('webhooks')
})

describe('org webhooks', () => {
  it('a run end is delivered signed; a 500 is retried; the log shows the attempts', async ({ expect }) => {
    const created = await call('POST', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key, body: { url: `${base()}/__hook/flaky`, event_types: ['run.succeeded'] } })
    expect(created.status).toBe(201)
    const { secret, id } = created.body
    expect(secret).toMatch(/^whsec_[0-9a-f]{48}$/)
    const got = await call('GET', `/v1/organizations/${t.orgId}/webhooks/${id}`, { key: t.key })
    expect(got.text).not.toContain(secret)

    const s = await startTurn(t, { message: 'notify the team' })
    await waitTurn(t, s)
    const hits = await until(
      () => received('flaky'),
      (h) => h.filter((x) => JSON.parse(x.body).data.run_id === s.turn_id).length === 2,
      15_000,
    )
    const mine = hits.filter((x) => JSON.parse(x.body).data.run_id === s.turn_id)
    expect(mine.map((h) => h.attempt)).toEqual([1, 2])
    const last = mine[1]
    const body = JSON.parse(last?.body ?? '{}')
    expect(body).toMatchObject({ type: 'run.succeeded', data: { run_id: s.turn_id, status: 'success', output: 'You said: notify the team', costs: { currency: 'USD' } } })
    expect(last?.headers['x-agentplane-event']).toBe('run.succeeded')
    const [tPart, vPart] = (last?.headers['x-agentplane-signature'] ?? '').split(',')
    const ts = tPart?.replace('t=', '') ?? ''
    expect(vPart).toBe(`v1=${await hmacHex(secret, `${ts}.${last?.body}`)}`)
    expect(Math.abs(Date.now() / 1000 - Number(ts))).toBeLessThan(60)

    const log = await until(
      () => call('GET', `/v1/organizations/${t.orgId}/webhooks/${id}/deliveries`, { key: t.key }),
      (r) => r.body.items[0]?.status === 'delivered',
    )
    expect(log.body.items[0]).toMatchObject({ event_type: 'run.succeeded', run_id: s.turn_id, status: 'delivered', attempts: 2, last_status_code: 200 })
  })

  it('only subscribed events are sent: a failed run goes to run.failed endpoints', async ({ expect }) => {
    const other = await createTenant('webhooks-events')
    const hook = await call('POST', `/v1/organizations/${other.orgId}/webhooks`, { key: other.key, body: { url: `${base()}/__hook/failures`, event_types: ['run.failed'] } })
    const ok = await startTurn(other, { message: 'fine' })
    const bad = await startTurn(other, { message: '/fail upstream broke' })
    await waitTurn(other, ok)
    expect((await waitTurn(other, bad)).status).toBe('error')
    await until(
      () => received('failures'),
      (h) => h.some((x) => JSON.parse(x.body).data.run_id === bad.turn_id),
    )
    const runIds = (await received('failures')).map((x) => JSON.parse(x.body).data.run_id)
    expect(runIds).not.toContain(ok.turn_id)
    const log = (await call('GET', `/v1/organizations/${other.orgId}/webhooks/${hook.body.id}/deliveries`, { key: other.key })).body
    expect(log.items.map((d: { run_id: string }) => d.run_id)).toEqual([bad.turn_id])
  })

  it('validates, lists, pauses and deletes endpoints', async ({ expect }) => {
    const bad = await call('POST', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key, body: { url: 'not a url', event_types: ['run.exploded'] } })
    expect(bad.status).toBe(422)
    expect(bad.body.detail.map((d: { loc: unknown[] }) => d.loc.slice(0, 2).join('.')).sort()).toEqual(['body.event_types', 'body.url'])
    const made = await call('POST', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key, body: { url: `${base()}/__hook/ok`, event_types: ['run.cancelled'] } })
    const list = await call('GET', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key })
    expect(list.body.total).toBe(2)
    expect(list.text).not.toContain(made.body.secret)
    expect((await call('PATCH', `/v1/organizations/${t.orgId}/webhooks/${made.body.id}`, { key: t.key, body: { enabled: false } })).body.enabled).toBe(false)
    expect((await call('DELETE', `/v1/organizations/${t.orgId}/webhooks/${made.body.id}`, { key: t.key })).status).toBe(204)
    expect((await call('GET', `/v1/organizations/${t.orgId}/webhooks/${made.body.id}`, { key: t.key })).status).toBe(404)
  })
})
