import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker-provider.js'
import { exports } from 'cloudflare:workers'
import { beforeAll, describe, it } from 'vitest'
import { BASE, call, createTenant, type Tenant } from './helpers/api'

let t: Tenant

beforeAll(async () => {
  t = await createTenant('mcp')
})

/** The MCP SDK's own client over streamable HTTP, its requests sent through the real worker. */
async function connect(key: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${BASE}/mcp`), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
    fetch: (url, init) => exports.default.fetch(new Request(url, init)),
  })
  const client = new Client({ name: 'agentplane-test', version: '1.0.0' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() })
  await client.connect(transport)
  return client
}

describe('MCP: agents as tools over streamable HTTP', () => {
  it('lists the enabled agents of the org as tools', async ({ expect }) => {
    const created = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Stock Watcher', description: 'Watches stock' } })
    const off = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Sleeping', is_enabled: false } })
    expect(off.status).toBe(201)
    const client = await connect(t.key)
    const { tools } = await client.listTools()
    expect(tools.map((x) => x.name)).toEqual(['system', created.body.code])
    expect(tools[1]).toMatchObject({ title: 'Stock Watcher', inputSchema: { type: 'object', required: ['message'] } })
    expect(tools[1]?.description).toContain('Watches stock')
    await client.close()
  })

  it('a call is a run: tokens arrive as progress notifications, the output is the result, usage and cost ride along', async ({ expect }) => {
    const client = await connect(t.key)
    const progress: string[] = []
    const result = await client.callTool({ name: 'system', arguments: { message: 'hello over mcp' } }, undefined, {
      onprogress: (p) => {
        progress.push(p.message ?? '')
      },
    })
    expect(result.isError).toBeFalsy()
    expect(result.content).toEqual([{ type: 'text', text: 'You said: hello over mcp' }])
    expect(progress.join('')).toBe('You said: hello over mcp')
    const meta = result.structuredContent as { run_id: string; session_id: string; status: string; costs: { total: number } }
    expect(meta.status).toBe('success')
    expect(meta.costs.total).toBeGreaterThan(0)
    const run = await call('GET', `/v1/organizations/${t.orgId}/runs/${meta.run_id}`, { key: t.key })
    expect(run.body).toMatchObject({ status: 'success', channel: 'mcp', thread_id: meta.session_id })
    await client.close()
  })

  it('an interrupt comes back as a result saying how to resume; the next call with session_id answers it', async ({ expect }) => {
    const client = await connect(t.key)
    const asked = await client.callTool({ name: 'system', arguments: { message: '/ask Which marketplace?' } })
    const meta = asked.structuredContent as { session_id: string; run_id: string; status: string; question: string }
    expect(meta).toMatchObject({ status: 'interrupted', question: 'Which marketplace?' })
    expect((asked.content as { text: string }[])[0]?.text).toContain(`session_id "${meta.session_id}"`)

    const answered = await client.callTool({ name: 'system', arguments: { message: 'Ozon', session_id: meta.session_id } })
    expect(answered.content).toEqual([{ type: 'text', text: 'Thanks, you answered: Ozon' }])
    expect((answered.structuredContent as { run_id: string }).run_id).toBe(meta.run_id)
    await client.close()
  })

  it('bad calls are tool errors; no key is a 401; another org cannot see or call these agents', async ({ expect }) => {
    const client = await connect(t.key)
    const unknown = await client.callTool({ name: 'no-such-agent', arguments: { message: 'x' } })
    expect(unknown).toMatchObject({ isError: true, content: [{ type: 'text', text: 'No enabled agent "no-such-agent" in this organization' }] })
    const bad = await client.callTool({ name: 'system', arguments: { message: '' } })
    expect(bad.isError).toBe(true)
    expect((bad.content as { text: string }[])[0]?.text).toContain('message')
    await client.close()

    const anonymous = await exports.default.fetch(`${BASE}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' })
    expect(anonymous.status).toBe(401)

    const other = await createTenant('mcp-other')
    const theirs = await connect(other.key)
    const created = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Private Agent' } })
    expect((await theirs.listTools()).tools.map((x) => x.name)).toEqual(['system'])
    const denied = await theirs.callTool({ name: created.body.code, arguments: { message: 'x' } })
    expect(denied.isError).toBe(true)
    await theirs.close()
  })
})
