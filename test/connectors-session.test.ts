import { afterAll, beforeAll, describe, it, vi } from 'vitest'
import { call, createTenant } from './helpers/api'
import { ALL_SECRET_VALUES, connectAgent, fakeBase, fakeLog, secretOf } from './helpers/connectors'
import { allEvents } from './helpers/runs'
import { startTurn, streamTurn, waitTurn } from './helpers/sessions'
import { SECRETS } from './fixtures/service-secrets'

const logged: string[] = []

beforeAll(() => {
  for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
      logged.push(args.map((a) => (a instanceof Error ? `${a.message} ${a.stack}` : typeof a === 'string' ? a : JSON.stringify(a))).join(' '))
    })
  }
})

afterAll(() => vi.restoreAllMocks())

describe('connectors in a session', () => {
  it('a run trusts the grants read at its creation only on its first claim: retried after a 429, it sees a grant made meanwhile', async ({ expect }) => {
    const t = await createTenant('conn-context')
    const { agentId } = await connectAgent(t, [], {}, ['telegram'])
    const send = (text: string) => `/tool connector_execute ${JSON.stringify({ service: 'telegram', operation: 'sendMessage', params: { chat_id: '7', text } })}`
    // No grant yet: the tool is not offered (the creation batch read no granted service).
    const before = await startTurn(t, { agent_id: agentId, message: send('too early') })
    await waitTurn(t, before)
    expect(String((await allEvents(before.turn_id)).find((e) => e.type === 'tool_result')?.data.result)).toMatch(/not available: no grant/)

    // This run's first attempt is refused by the model (429): its retry is a second claim, which reads D1.
    const later = await startTurn(t, { agent_id: agentId, message: `/rate-limit 1000 ${send('after the grant')}` })
    const tag = `telegram-${crypto.randomUUID().slice(0, 8)}`
    const org = `/v1/organizations/${t.orgId}`
    const cred = await call('POST', `${org}/credentials`, { key: t.key, body: { service_name: 'telegram', instance_id: 'main', secret: secretOf('telegram'), base_url: fakeBase(tag) } })
    expect((await call('POST', `${org}/agents/${agentId}/grants`, { key: t.key, body: { credential_id: cred.body.id, scopes: { read: true, write: true } } })).status).toBe(201)
    const done = await waitTurn(t, later)
    expect(done.output).toMatch(/^Tool connector_execute returned: .*"ok":true/)
    expect((await fakeLog(tag)).map((r) => r.body)).toEqual([{ chat_id: '7', text: 'after the grant' }])
  })

  it('list_services then connector_execute reach the fake with the bot token in the path and stream the answer back; the secret is nowhere', async ({ expect }) => {
    const t = await createTenant('conn-session')
    const s = await connectAgent(t, ['telegram', 'github'], { github: { read: true, write: false } })
    const first = await startTurn(t, { agent_id: s.agentId, message: '/tool list_services {}' })
    expect(await waitTurn(t, first)).toMatchObject({ status: 'success' })
    const listed = JSON.parse(String((await allEvents(first.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
    expect(listed.usable.map((u: { service: string }) => u.service)).toEqual(['telegram', 'github'])

    const args = { service: 'telegram', operation: 'sendMessage', params: { chat_id: '42', text: 'hello from the agent' } }
    const second = await startTurn(t, { agent_id: s.agentId, session_id: first.session_id, message: `/tool connector_execute ${JSON.stringify(args)}` })
    const done = await waitTurn(t, second)
    expect(done.status).toBe('success')
    expect(done.output).toMatch(/^Tool connector_execute returned: .*"ok":true.*"message_id":42/)
    const [sent] = await fakeLog(s.creds.telegram?.tag ?? '')
    expect(sent).toMatchObject({ method: 'POST', path: `/bot${SECRETS.telegram}/sendMessage`, body: { chat_id: '42', text: 'hello from the agent' } })

    const stream = await (await streamTurn(t, second)).text()
    expect(stream).toContain('event: tool_result')
    expect(stream).toContain('hello from the agent')

    // A refused write and an upstream error echoing the token also stay clean.
    const refused = await startTurn(t, {
      agent_id: s.agentId,
      session_id: first.session_id,
      message: '/tool connector_execute {"service":"github","operation":"issues.create","params":{"owner":"o","repo":"r","title":"x"}}',
    })
    await waitTurn(t, refused)
    expect(String((await allEvents(refused.turn_id)).find((e) => e.type === 'tool_result')?.data.result)).toMatch(/no write scope/)
    const echo = await startTurn(t, {
      agent_id: s.agentId,
      session_id: first.session_id,
      message: '/tool connector_execute {"service":"github","operation":"issues.list","params":{"owner":"o","repo":"echo"}}',
    })
    await waitTurn(t, echo)

    const everything = [
      JSON.stringify(await Promise.all([first, second, refused, echo].map((x) => allEvents(x.turn_id)))),
      stream,
      (await call('GET', `/v1/sessions/${first.session_id}`, { key: t.key })).text,
      (await call('GET', `/v1/organizations/${t.orgId}/credentials`, { key: t.key })).text,
      logged.join('\n'),
    ].join('\n')
    expect(everything).toContain('[redacted]')
    for (const secret of ALL_SECRET_VALUES) expect(everything).not.toContain(secret)
  })
})
