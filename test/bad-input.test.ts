import { env } from 'cloudflare:workers'
import { beforeAll, describe, it, vi } from 'vitest'
import { acp } from './helpers/acp'
import { admin, call, createTenant, type Tenant } from './helpers/api'

let t: Tenant
beforeAll(async () => {
  t = await createTenant('bad-input')
})

const NUL = 'a\u0000b'
const LONE = 'a\ud800b'

describe('NUL and lone surrogates: 422 naming the field, in every dialect', () => {
  it('/v1 (FastAPI shape)', async ({ expect }) => {
    for (const bad of [NUL, LONE, '\udc00']) {
      const res = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'ok', system_prompt: bad } })
      expect(res.status).toBe(422)
      expect(res.body.detail).toEqual([{ loc: ['body', 'system_prompt'], msg: expect.stringMatching(/NUL or unpaired surrogate/), type: 'string_invalid_characters' }])
    }
    const turn = await call('POST', '/v1/sessions/stream', { key: t.key, body: { message: `hi ${LONE}` } })
    expect(turn.body.detail[0].loc).toEqual(['body', 'message'])
    const query = await call('GET', `/v1/organizations/${t.orgId}/agents?limit=5&q=%00`, { key: t.key })
    expect(query.status).toBe(200) // an unknown query parameter is not read, so not refused
    // A well-formed pair (an emoji) is text and is stored.
    const emoji = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'ok 😀' } })
    expect(emoji.status).toBe(201)
    expect(emoji.body.name).toBe('ok 😀')
  })

  it('admin (FastAPI shape): API key names and user names', async ({ expect }) => {
    const res = await admin('POST', `/users/${t.userId}/api-keys`, { name: NUL })
    expect(res.status).toBe(422)
    expect(res.body.detail[0].loc).toEqual(['body', 'name'])
    const org = await admin('POST', '/organizations', { name: LONE })
    expect(org.body.detail[0].loc).toEqual(['body', 'name'])
  })

  it('ACP (bare string naming the field), also deep inside free-form input and in keys', async ({ expect }) => {
    const prompt = await acp(t, 'POST', '/runs', { input: { messages: [{ role: 'user', content: NUL }] } })
    expect(prompt.status).toBe(422)
    expect(prompt.body).toMatch(/body\.input\.messages\.0\.content: Text must not contain NUL/)
    const key = await acp(t, 'POST', '/threads', { metadata: { [LONE]: 1 } })
    expect(key.status).toBe(422)
    expect(key.body).toMatch(/^Keys must not contain NUL or unpaired surrogate characters: body\.metadata\.a\ud800b/)
    const search = await acp(t, 'POST', '/agents/search', { name: NUL })
    expect(search.body).toMatch(/body\.name/)
  })

  it('AgentInstance (ProblemDetails errors by field)', async ({ expect }) => {
    const res = await call('GET', '/api/v2/AgentInstance/system?search=a%00b', { key: t.key })
    expect(res.status).toBe(422)
    expect(res.body.errors).toEqual({ search: ['Text must not contain NUL or unpaired surrogate characters'] })
  })

  it('nesting deeper than 32 levels is a 422, not a stack overflow', async ({ expect }) => {
    let deep: unknown = 'x'
    for (let i = 0; i < 100_000; i++) deep = [deep]
    const res = await acp(t, 'POST', '/runs', { input: 'hi', metadata: { deep } })
    expect(res.status).toBe(422)
    expect(res.body).toMatch(/nested deeper than 32 levels/)
  })
})

describe('empty PATCH bodies are a no-op, never a 500', () => {
  it('every PATCH route answers {} with 200 and the unchanged object', async ({ expect }) => {
    const hook = await call('POST', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key, body: { url: 'https://hooks.example.com/x', event_types: ['run.succeeded'] } })
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Patch me' } })
    const schedule = await call('POST', `/v1/organizations/${t.orgId}/schedules`, { key: t.key, body: { agent_id: agent.body.id, name: 's', cron: '0 9 * * *', input: 'p' } })
    const thread = await acp(t, 'POST', '/threads', {})
    const cases: [string, () => Promise<{ status: number; body: unknown }>][] = [
      ['webhook', () => call('PATCH', `/v1/organizations/${t.orgId}/webhooks/${hook.body.id}`, { key: t.key, body: {} })],
      ['admin org', () => admin('PATCH', `/organizations/${t.orgId}`, {})],
      ['agent', () => call('PATCH', `/v1/organizations/${t.orgId}/agents/${agent.body.id}`, { key: t.key, body: {} })],
      ['schedule', () => call('PATCH', `/v1/organizations/${t.orgId}/schedules/${schedule.body.id}`, { key: t.key, body: {} })],
      ['acp thread', () => acp(t, 'PATCH', `/threads/${thread.body.thread_id}`, {})],
    ]
    for (const [name, patch] of cases) {
      const res = await patch()
      expect(res.status, name).toBe(200)
    }
    expect((await call('GET', `/v1/organizations/${t.orgId}/webhooks/${hook.body.id}`, { key: t.key })).body).toMatchObject({
      url: 'https://hooks.example.com/x',
      event_types: ['run.succeeded'],
      enabled: true,
    })
    expect((await call('GET', `/v1/organizations/${t.orgId}/agents/${agent.body.id}`, { key: t.key })).body).toMatchObject({ name: 'Patch me', version: agent.body.version })
  })
})

describe('search text longer than a LIKE pattern may be', () => {
  it('ACP agents/search by a 200-character name, with % and _ literal', async ({ expect }) => {
    const name = `${'n'.repeat(190)}_%`
    const wanted = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name } })
    await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: `${'n'.repeat(190)}xx` } })
    const res = await acp(t, 'POST', '/agents/search', { name })
    expect(res.status).toBe(200)
    expect(res.body.map((a: { agent_id: string }) => a.agent_id)).toEqual([wanted.body.id])
    const tooLong = await acp(t, 'POST', '/agents/search', { name: 'n'.repeat(201) })
    expect(tooLong.status).toBe(422)
    expect(tooLong.body).toMatch(/body\.name/)
  })

  it('AgentInstance ?search= of 200 bytes matches a substring; % and _ are literal', async ({ expect }) => {
    const long = await call('GET', `/api/v2/AgentInstance/system?search=${'é'.repeat(100)}`, { key: t.key })
    expect(long.status).toBe(200)
    expect(long.body.items).toEqual([])
    const wild = await call('GET', '/api/v2/AgentInstance/system?search=%25', { key: t.key })
    expect(wild.status).toBe(200)
    expect(wild.body.items).toEqual([])
  })
})

describe('logs carry no request data', () => {
  it('an unhandled query failure logs the request id, route and error class, not the parameters', async ({ expect }) => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined)
    try {
      // A search text no query can hold breaks the D1 statement (a string over D1's 2 MB value limit is refused by the schema first,
      // so break the table instead): the failing query carries the user's text as a parameter.
      await env.DB.prepare('ALTER TABLE agents RENAME TO agents_gone').run()
      const res = await acp(t, 'POST', '/agents/search', { name: 'secret-search-text' })
      await env.DB.prepare('ALTER TABLE agents_gone RENAME TO agents').run()
      expect(res.status).toBe(500)
      const logged = errors.mock.calls.map((args) => args.map(String).join(' ')).join('\n')
      expect(logged).toMatch(/^\[[\w-]+\] unhandled DrizzleQueryError \(Error: D1_ERROR: no such table: agents.*\) in POST \/acp\/agents\/search/)
      expect(logged).not.toContain('secret-search-text')
      expect(logged).not.toContain(t.key)
    } finally {
      errors.mockRestore()
    }
  })
})
