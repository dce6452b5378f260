import { exports } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { pruneInboundEvents } from '../workers/cron'
import { queryEvents } from '../workers/runtime/tools/events'
import { BASE, call, createTenant, env, type Tenant } from './helpers/api'
import { connectAgent, runTool } from './helpers/connectors'

const open = async (t: Tenant, credentialId: string) => call('POST', `/v1/organizations/${t.orgId}/credentials/${credentialId}/inbound`, { key: t.key })

const deliver = (url: string, body: string, headers: Record<string, string>) =>
  exports.default.fetch(new Request(url.replace(/^https?:\/\/[^/]+/, BASE), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body }))

async function hmac(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  return [...new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

describe('inbound webhook endpoints', () => {
  it('Telegram: the secret-token header is verified; the update is journaled and query_events reads it', async ({ expect }) => {
    const t = await createTenant('in-tg')
    const s = await connectAgent(t, ['telegram'])
    const ep = await open(t, s.creds.telegram?.id ?? '')
    expect(ep.status).toBe(201)
    expect(ep.body).toMatchObject({ service: 'telegram', url: expect.stringMatching(/\/hooks\/[\w-]{40,}$/), secret: expect.any(String) })
    const update = JSON.stringify({ update_id: 1, message: { message_id: 5, chat: { id: 42 }, text: 'where is my order?' } })
    expect((await deliver(ep.body.url, update, {})).status).toBe(401)
    expect((await deliver(ep.body.url, update, { 'x-telegram-bot-api-secret-token': 'wrong' })).status).toBe(401)
    const ok = await deliver(ep.body.url, update, { 'x-telegram-bot-api-secret-token': ep.body.secret })
    expect(ok.status).toBe(200)
    expect(await ok.json()).toMatchObject({ ok: true, type: 'message' })
    const { events } = await runTool(queryEvents, { service: 'telegram' }, t, s)
    expect(events).toEqual([{ id: expect.any(String), service: 'telegram', account: 'telegram_main', type: 'message', received_at: expect.any(String), payload: JSON.parse(update) }])
    expect((await runTool(queryEvents, { type: 'callback_query' }, t, s)).events).toEqual([])
    expect((await runTool(queryEvents, { since: new Date(Date.now() + 60_000).toISOString() }, t, s)).events).toEqual([])
  })

  it('GitHub: X-Hub-Signature-256 is verified; the type is event.action', async ({ expect }) => {
    const t = await createTenant('in-gh')
    const s = await connectAgent(t, ['github'])
    const ep = (await open(t, s.creds.github?.id ?? '')).body
    const body = JSON.stringify({ action: 'opened', issue: { number: 7, title: 'Broken' } })
    const bad = await deliver(ep.url, body, { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${await hmac('not-the-secret', body)}` })
    expect(bad.status).toBe(401)
    const good = await deliver(ep.url, body, { 'x-github-event': 'issues', 'x-hub-signature-256': `sha256=${await hmac(ep.secret, body)}` })
    expect(await good.json()).toMatchObject({ ok: true, type: 'issues.opened' })
    expect((await runTool(queryEvents, { type: 'issues.opened' }, t, s)).events).toMatchObject([{ account: 'github_main', payload: { issue: { number: 7 } } }])
  })

  it('unknown or rotated tokens are 404; an agent without a read grant sees no events; a credential with an endpoint deletes', async ({ expect }) => {
    const t = await createTenant('in-scope')
    const s = await connectAgent(t, ['telegram'])
    const credId = s.creds.telegram?.id ?? ''
    const first = (await open(t, credId)).body
    const second = (await open(t, credId)).body
    const update = JSON.stringify({ update_id: 2, message: { text: 'hi' } })
    expect((await deliver(first.url, update, { 'x-telegram-bot-api-secret-token': first.secret })).status).toBe(404)
    expect((await deliver(second.url, update, { 'x-telegram-bot-api-secret-token': second.secret })).status).toBe(200)
    expect((await call('POST', '/hooks/nonexistent-token-nonexistent-token', { body: {} })).status).toBe(404)

    const other = await connectAgent(t, [], {}, ['telegram'])
    expect((await runTool(queryEvents, {}, t, other, ['telegram'])).events).toEqual([])
    const readless = await call('POST', `/v1/organizations/${t.orgId}/agents/${other.agentId}/grants`, { key: t.key, body: { credential_id: credId, scopes: { read: false, write: true } } })
    expect(readless.status).toBe(201)
    expect((await runTool(queryEvents, {}, t, other, ['telegram'])).events).toEqual([])
    expect((await runTool(queryEvents, {}, t, s)).events).toHaveLength(1)

    expect((await call('DELETE', `/v1/organizations/${t.orgId}/credentials/${credId}`, { key: t.key })).status).toBe(204)
    expect((await deliver(second.url, update, { 'x-telegram-bot-api-secret-token': second.secret })).status).toBe(404)
  })

  it('events older than the retention are pruned by the cron job, newer ones stay', async ({ expect }) => {
    const t = await createTenant('in-retention')
    const old = new Date(Date.now() - 8 * 86_400_000).toISOString()
    await env.DB.prepare(
      "INSERT INTO inbound_events (id, org_id, credential_id, service, type, payload, received_at) VALUES ('old-1', ?, 'c', 'telegram', 'message', '{}', ?), ('new-1', ?, 'c', 'telegram', 'message', '{}', ?)",
    )
      .bind(t.orgId, old, t.orgId, new Date().toISOString())
      .run()
    expect(await pruneInboundEvents(env, new Date())).toBeGreaterThanOrEqual(1)
    const { results } = await env.DB.prepare('SELECT id FROM inbound_events WHERE org_id = ?').bind(t.orgId).all()
    expect(results).toEqual([{ id: 'new-1' }])
  })
})
