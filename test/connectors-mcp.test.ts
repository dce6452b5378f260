import { describe, it } from 'vitest'
import { connectorExecute, describeService, listServices } from '../workers/runtime/tools/connectors'
import { createTenant } from './helpers/api'
import { connectAgent, fakeLog, runTool } from './helpers/connectors'
import { SECRETS } from './fixtures/service-secrets'

describe('remote MCP servers as connectors', () => {
  it('a granted server is a service; its tools are operations with read/write from the MCP hints', async ({ expect }) => {
    const t = await createTenant('mcp-list')
    const s = await connectAgent(t, ['mcp'])
    expect((await runTool(listServices, {}, t, s)).usable).toEqual([
      { service: 'mcp:mcp_main', title: 'mcp main', accounts: [{ account: 'mcp_main', label: 'mcp main', scopes: { read: true, write: true } }] },
    ])
    const d = await runTool(describeService, { service: 'mcp:mcp_main' }, t, s)
    const ops = Object.fromEntries(d.modules[0].operations.map((o: { name: string; mutating: boolean }) => [o.name, o.mutating]))
    expect(ops).toEqual({ lookup_order: false, whoami: false, delete_note: true })
    const lookup = d.modules[0].operations.find((o: { name: string }) => o.name === 'lookup_order')
    expect(lookup.params).toMatchObject({ type: 'object', properties: { order_id: { type: 'string' } }, required: ['order_id'] })
    const log = await fakeLog(s.creds.mcp?.tag ?? '')
    expect(log.length).toBeGreaterThan(0)
    expect(log.every((r) => r.headers.authorization === `Bearer ${SECRETS.mcp}`)).toBe(true)
    expect(log.map((r) => r.body?.method).filter(Boolean)).toEqual(expect.arrayContaining(['initialize', 'tools/list']))
  })

  it('calls a read-only tool under a read grant; a destructive one needs write; params are checked against its schema; secrets scrubbed', async ({ expect }) => {
    const t = await createTenant('mcp-call')
    const s = await connectAgent(t, ['mcp'], { mcp: { read: true, write: false } })
    const ok = await runTool(connectorExecute, { service: 'mcp:mcp_main', operation: 'lookup_order', params: { order_id: 'A-17' } }, t, s)
    expect(ok).toMatchObject({ service: 'mcp:mcp_main', operation: 'lookup_order', ok: true, body: { content: [{ type: 'text', text: 'Order A-17: shipped' }] } })
    const calls = (await fakeLog(s.creds.mcp?.tag ?? '')).filter((r) => r.body?.method === 'tools/call')
    expect(calls.map((r) => r.body.params)).toEqual([{ name: 'lookup_order', arguments: { order_id: 'A-17' } }])

    await expect(runTool(connectorExecute, { service: 'mcp:mcp_main', operation: 'delete_note', params: { note_id: 'n1' } }, t, s)).rejects.toThrow(/no write scope; delete_note changes data/)
    await expect(runTool(connectorExecute, { service: 'mcp:mcp_main', operation: 'lookup_order', params: { order: 1 } }, t, s)).rejects.toThrow(/invalid params for mcp:mcp_main lookup_order/)
    await expect(runTool(connectorExecute, { service: 'mcp:mcp_main', operation: 'nope' }, t, s)).rejects.toThrow(/no tool "nope"; tools: lookup_order, whoami, delete_note/)
    expect((await fakeLog(s.creds.mcp?.tag ?? '')).filter((r) => r.body?.method === 'tools/call')).toHaveLength(1)

    const who = await runTool(connectorExecute, { service: 'mcp:mcp_main', operation: 'whoami' }, t, s)
    expect(JSON.stringify(who)).not.toContain(SECRETS.mcp)
    expect(who.body.content[0].text).toBe('you sent Bearer [redacted]')
  })
})
