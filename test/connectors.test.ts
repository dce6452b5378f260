import { describe, it } from 'vitest'
import { credentialIssues } from '../workers/runtime/connectors/credential-check'
import { connectorExecute, describeService, listServices } from '../workers/runtime/tools/connectors'
import { call, createTenant, env } from './helpers/api'
import { connectAgent, fakeBase, fakeLog, runTool, secretOf } from './helpers/connectors'
import { SECRETS } from './fixtures/service-secrets'

const exec = connectorExecute

describe("connector_execute applies each service's auth scheme", () => {
  it('reaches the real paths with the real auth headers, one family after another', async ({ expect }) => {
    const t = await createTenant('conn-auth')
    const s = await connectAgent(t, ['wildberries', 'ozon', 'yandex_market', 'telegram', 'github', 'gitlab', 'slack', 'http'])
    const cases = [
      { service: 'wildberries', operation: 'stocks.report', params: { dateFrom: '2026-01-01' }, path: '/api/v1/supplier/stocks', method: 'GET', headers: { authorization: SECRETS.wildberries } },
      {
        service: 'ozon',
        operation: 'postings.list',
        params: { filter: { since: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' }, limit: 10, offset: 0 },
        path: '/v3/posting/fbs/list',
        method: 'POST',
        headers: { 'client-id': SECRETS.ozon.client_id, 'api-key': SECRETS.ozon.api_key },
      },
      { service: 'yandex_market', operation: 'campaigns.list', params: {}, path: '/campaigns', method: 'GET', headers: { 'api-key': SECRETS.yandex_market } },
      { service: 'telegram', operation: 'sendMessage', params: { chat_id: '42', text: 'hi' }, path: `/bot${SECRETS.telegram}/sendMessage`, method: 'POST', headers: {} },
      {
        service: 'github',
        operation: 'issues.list',
        params: { owner: 'o', repo: 'r', state: 'open' },
        path: '/repos/o/r/issues',
        method: 'GET',
        headers: { authorization: `Bearer ${SECRETS.github}`, 'x-github-api-version': '2022-11-28' },
      },
      {
        service: 'gitlab',
        operation: 'issues.list',
        params: { id: 'group/project' },
        path: '/api/v4/projects/group/project/issues',
        method: 'GET',
        headers: { authorization: `Bearer ${SECRETS.gitlab}` },
      },
      { service: 'slack', operation: 'chat.postMessage', params: { channel: 'C1', text: 'hi' }, path: '/chat.postMessage', method: 'POST', headers: { authorization: `Bearer ${SECRETS.slack}` } },
      { service: 'http', operation: 'get', params: { path: 'generic/items', query: { page: 2 } }, path: '/generic/items', method: 'GET', headers: { 'x-api-key': SECRETS.http.value } },
    ]
    for (const c of cases) {
      const result = await runTool(exec, { service: c.service, operation: c.operation, params: c.params }, t, s)
      expect(result, c.service).toMatchObject({ service: c.service, account: `${c.service}_main`, ok: true, status: c.service === 'ozon' || c.service === 'wildberries' ? 200 : expect.any(Number) })
      const [req] = await fakeLog(s.creds[c.service]?.tag ?? '')
      expect(req, c.service).toMatchObject({ method: c.method, path: c.path, headers: c.headers })
    }
    const [gitlab] = await fakeLog(s.creds.gitlab?.tag ?? '')
    expect(gitlab?.headers).not.toHaveProperty('private-token')
    const [ozon] = await fakeLog(s.creds.ozon?.tag ?? '')
    expect(ozon?.body).toEqual({ filter: { since: '2026-01-01T00:00:00Z', to: '2026-01-31T00:00:00Z' }, limit: 10, offset: 0 })
    const [http] = await fakeLog(s.creds.http?.tag ?? '')
    expect(http?.query).toEqual({ page: '2' })
  })
})

describe('grants, scopes and visibility', () => {
  it('a read-only grant refuses a mutating operation before anything is sent; read works', async ({ expect }) => {
    const t = await createTenant('conn-scope')
    const s = await connectAgent(t, ['wildberries'], { wildberries: { read: true, write: false } })
    await expect(runTool(exec, { service: 'wildberries', operation: 'stocks.update', params: { warehouseId: 1, stocks: [{ sku: 'a', amount: 1 }] } }, t, s)).rejects.toThrow(
      /no write scope; stocks.update changes data and needs write/,
    )
    expect(await fakeLog(s.creds.wildberries?.tag ?? '')).toEqual([])
    expect(await runTool(exec, { service: 'wildberries', operation: 'stocks.report', params: { dateFrom: '2026-01-01' } }, t, s)).toMatchObject({ ok: true, body: [{ supplierArticle: 'SKU-1' }] })
  })

  it('a revoked grant refuses', async ({ expect }) => {
    const t = await createTenant('conn-revoke')
    const s = await connectAgent(t, ['telegram'])
    const del = await call('DELETE', `/v1/organizations/${t.orgId}/agents/${s.agentId}/grants/${s.grants.telegram}`, { key: t.key })
    expect(del.status).toBe(204)
    await expect(runTool(exec, { service: 'telegram', operation: 'getMe' }, t, s)).rejects.toThrow(/no telegram account is granted/)
    expect(await runTool(listServices, {}, t, s)).toEqual({ usable: [], not_connected: ['telegram'] })
  })

  it('an agent without the connector cannot see, describe or call the service', async ({ expect }) => {
    const t = await createTenant('conn-hidden')
    const s = await connectAgent(t, ['github', 'slack'], {}, ['slack'])
    const listed = await runTool(listServices, {}, t, s, ['slack'])
    expect(listed.usable.map((u: { service: string }) => u.service)).toEqual(['slack'])
    await expect(runTool(describeService, { service: 'github' }, t, s, ['slack'])).rejects.toThrow(/not available to this agent/)
    await expect(runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'r' } }, t, s, ['slack'])).rejects.toThrow(/not available to this agent/)
    expect(await fakeLog(s.creds.github?.tag ?? '')).toEqual([])
  })

  it('list_services shows accounts and scopes; several accounts need `account`', async ({ expect }) => {
    const t = await createTenant('conn-accounts')
    const s = await connectAgent(t, ['slack'], { slack: { read: true, write: false } })
    const second = await call('POST', `/v1/organizations/${t.orgId}/credentials`, {
      key: t.key,
      body: { service_name: 'slack', instance_id: 'slack_other', secret: secretOf('slack'), base_url: fakeBase('slack-other') },
    })
    await call('POST', `/v1/organizations/${t.orgId}/agents/${s.agentId}/grants`, { key: t.key, body: { credential_id: second.body.id } })
    expect(await runTool(listServices, {}, t, s)).toEqual({
      usable: [
        {
          service: 'slack',
          title: 'Slack',
          accounts: [
            { account: 'slack_main', label: 'slack main', scopes: { read: true, write: false } },
            { account: 'slack_other', label: null, scopes: { read: true, write: true } },
          ],
        },
      ],
      not_connected: [],
    })
    await expect(runTool(exec, { service: 'slack', operation: 'conversations.list' }, t, s)).rejects.toThrow(/several slack accounts.*pass account/)
    const ok = await runTool(exec, { service: 'slack', operation: 'chat.postMessage', params: { channel: 'C9', text: 'x' }, account: 'slack_other' }, t, s)
    expect(ok).toMatchObject({ account: 'slack_other', ok: true, body: { ok: true, channel: 'C9' } })
  })
})

describe('validation, limits and secrets', () => {
  it('an unknown operation or a bad parameter is a tool error naming it; nothing is sent', async ({ expect }) => {
    const t = await createTenant('conn-bad')
    const s = await connectAgent(t, ['ozon'])
    await expect(runTool(exec, { service: 'ozon', operation: 'orders.teleport' }, t, s)).rejects.toThrow(/no operation "orders.teleport"; operations: products.list/)
    await expect(runTool(exec, { service: 'ozon', operation: 'postings.list', params: { limit: 'ten', offset: 0, bogus: 1 } }, t, s)).rejects.toThrow(/filter: .*limit: .*Unrecognized key.*bogus/)
    expect(await fakeLog(s.creds.ozon?.tag ?? '')).toEqual([])
  })

  it('a sub-path parameter cannot climb out of the base URL', async ({ expect }) => {
    const t = await createTenant('conn-path')
    const s = await connectAgent(t, ['http'])
    for (const path of ['../admin', 'generic/../../x', '/etc', 'a//b']) {
      await expect(runTool(exec, { service: 'http', operation: 'get', params: { path } }, t, s), path).rejects.toThrow(/relative path without/)
    }
    expect(await fakeLog(s.creds.http?.tag ?? '')).toEqual([])
  })

  it('describe_service gives modules, params as JSON Schema, recipes, rate limits, pagination hints, examples', async ({ expect }) => {
    const t = await createTenant('conn-describe')
    const s = await connectAgent(t, ['ozon'])
    const d = await runTool(describeService, { service: 'ozon', module: 'postings' }, t, s)
    expect(d.modules.map((m: { name: string }) => m.name)).toEqual(['postings'])
    const list = d.modules[0].operations.find((o: { name: string }) => o.name === 'postings.list')
    expect(list).toMatchObject({ method: 'POST', path: '/v3/posting/fbs/list', mutating: false, params: { type: 'object', required: ['filter', 'limit', 'offset'] } })
    expect(Object.keys(d)).toEqual(expect.arrayContaining(['recipes', 'rate_limits', 'pagination_hints', 'response_examples']))
    expect(d.pagination_hints['postings.list']).toMatch(/has_next/)
  })

  it('a provider 429 with a short Retry-After is waited out once; a long one comes back to the model', async ({ expect }) => {
    const t = await createTenant('conn-429')
    const s = await connectAgent(t, ['github'])
    const tag = s.creds.github?.tag ?? ''
    expect(await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'busy' } }, t, s)).toMatchObject({ ok: true, body: [{ title: 'after the wait' }] })
    expect((await fakeLog(tag)).length).toBe(2)
    expect(await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'closed' } }, t, s)).toMatchObject({ ok: false, status: 429, retry_after_s: 120 })
    expect((await fakeLog(tag)).length).toBe(3)
    // The account is paused for the provider's Retry-After: the next call waits locally, whatever the repo.
    const paused = await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'r' } }, t, s)
    expect(paused).toMatchObject({ ok: false, retry_after_s: expect.any(Number) })
    expect(paused.retry_after_s).toBeGreaterThan(60)
    expect((await fakeLog(tag)).length).toBe(3)
  })

  it("the per-credential rate limit refuses past the descriptor's limit", async ({ expect }) => {
    const t = await createTenant('conn-rate')
    const s = await connectAgent(t, ['slack'])
    const args = { service: 'slack', operation: 'conversations.list' }
    for (let i = 0; i < 50; i++) expect((await runTool(exec, args, t, s)).ok).toBe(true)
    expect(await runTool(exec, args, t, s)).toMatchObject({ ok: false, error: expect.stringMatching(/rate limit of 50\/min/), retry_after_s: expect.any(Number) })
    expect((await fakeLog(s.creds.slack?.tag ?? '')).length).toBe(50)
  })

  it('responses are scrubbed of the secret, redirects not followed, bodies capped and cut with a pagination hint; last_used_at is set', async ({ expect }) => {
    const t = await createTenant('conn-scrub')
    const s = await connectAgent(t, ['github'])
    const echo = await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'echo' } }, t, s)
    expect(JSON.stringify(echo)).not.toContain(SECRETS.github)
    expect(echo.body[0]).toEqual({ number: 1, title: 'token is [redacted]', body: 'auth header was Bearer [redacted]' })
    const moved = await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'moved' } }, t, s)
    expect(moved).toMatchObject({ ok: false, status: 302, error: expect.stringMatching(/redirect not followed/) })
    const big = await runTool(exec, { service: 'github', operation: 'issues.list', params: { owner: 'o', repo: 'big' }, max_chars: 1000 }, t, s)
    expect(big).toMatchObject({ ok: true, truncated: true, hint: expect.stringMatching(/page \+= 1/) })
    expect(big.body_text).toHaveLength(1000)
    const cred = await call('GET', `/v1/organizations/${t.orgId}/credentials/${s.creds.github?.id}`, { key: t.key })
    expect(cred.body.last_used_at).toEqual(expect.any(String))
    expect(cred.text).not.toContain(SECRETS.github)
  })

  it('credentials are checked against the service: secret format, base_url rules', async ({ expect }) => {
    const t = await createTenant('conn-cred')
    const url = `/v1/organizations/${t.orgId}/credentials`
    const ozon = await call('POST', url, { key: t.key, body: { service_name: 'ozon', instance_id: 'o1', secret: 'just-a-key' } })
    expect(ozon.status).toBe(422)
    expect(ozon.body.detail[0]).toMatchObject({ loc: ['body', 'secret'], type: 'secret_format' })
    const http = await call('POST', url, { key: t.key, body: { service_name: 'http', instance_id: 'h1', secret: JSON.stringify(SECRETS.http) } })
    expect(http.body.detail[0]).toMatchObject({ loc: ['body', 'base_url'], type: 'missing' })
    const badHeader = await call('POST', url, { key: t.key, body: { service_name: 'http', instance_id: 'h2', secret: '{"header":"Host","value":"x"}', base_url: 'https://api.example.com' } })
    expect(badHeader.body.detail[0].loc).toEqual(['body', 'secret'])
    const ftp = await call('POST', url, { key: t.key, body: { service_name: 'gitlab', instance_id: 'g1', secret: 'x', base_url: 'ftp://gitlab.example.com' } })
    expect(ftp.status).toBe(422)
    expect(ftp.body.detail[0].loc).toEqual(['body', 'base_url'])
    const n = await env.DB.prepare('SELECT count(*) AS n FROM credentials WHERE org_id = ?').bind(t.orgId).first('n')
    expect(n).toBe(0)
  })

  it('on a deployment (no ALLOW_PRIVATE_TARGETS) fixed-host services refuse base_url and private targets are refused', ({ expect }) => {
    const deployed = {}
    expect(credentialIssues(deployed, { service_name: 'wildberries', secret: 't', base_url: 'https://wb.example.com' })[0]).toMatchObject({ loc: ['body', 'base_url'], type: 'base_url_not_allowed' })
    expect(credentialIssues(deployed, { service_name: 'gitlab', secret: 't', base_url: 'http://10.0.0.5/api/v4' })[0]).toMatchObject({ loc: ['body', 'base_url'], type: 'target_refused' })
    expect(credentialIssues(deployed, { service_name: 'gitlab', secret: 't', base_url: 'https://gitlab.example.com/api/v4' })).toEqual([])
    expect(credentialIssues(deployed, { service_name: 'wildberries', secret: 't' })).toEqual([])
  })
})
