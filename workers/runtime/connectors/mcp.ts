import { Validator } from '@cfworker/json-schema'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker'
import { guardedFetch } from '../../lib/net-guard'
import { ToolError } from '../tools/types'
import { scrub } from './auth'
import { type Acting, checkScope, chooseAccount, type ExecuteRequest, type OpenedAccount, openAccount, takeToken } from './execute'
import { cutForModel } from './response'

const TIMEOUT_MS = 30_000

interface McpTool {
  name: string
  description?: string | undefined
  inputSchema: Record<string, unknown>
  annotations?: { readOnlyHint?: boolean | undefined; destructiveHint?: boolean | undefined; title?: string | undefined } | undefined
}

/**
 * MCP's hints map onto the grant's scopes: a tool is read-only only when it says readOnlyHint;
 * anything else may change state (the spec's default) and needs write.
 */
export const isMutating = (tool: McpTool): boolean => tool.annotations?.readOnlyHint !== true || tool.annotations.destructiveHint === true

/** Opens a client session with the server (initialize), runs `fn`, and closes it. */
async function withClient<T>(ctx: Acting, opened: OpenedAccount, fn: (client: Client) => Promise<T>): Promise<T> {
  // Ajv compiles schemas with new Function, which Workers refuse: validate with @cfworker/json-schema.
  const client = new Client({ name: 'agentplane', version: '1' }, { jsonSchemaValidator: new CfWorkerJsonSchemaValidator() })
  // Every request of the session goes through the outbound guard, and no redirect is followed.
  const fetch = (url: string | URL, init?: RequestInit): Promise<Response> => {
    if (init?.body != null && typeof init.body !== 'string') throw new ToolError('MCP transport sent a non-text body')
    const headers = Object.fromEntries(new Headers(init?.headers).entries())
    return guardedFetch(
      ctx.env,
      String(url),
      { method: init?.method ?? 'GET', headers, ...(init?.body ? { body: init.body } : {}), ...(init?.signal ? { signal: init.signal } : {}) },
      { maxRedirects: 0 },
    )
  }
  const transport = new StreamableHTTPClientTransport(new URL(opened.base), { requestInit: { headers: opened.auth.headers }, fetch })
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(TIMEOUT_MS)])
  try {
    await client.connect(transport, { signal })
    return await fn(client)
  } catch (err) {
    if (ctx.signal.aborted || err instanceof ToolError) throw err
    throw new ToolError(`MCP server ${new URL(opened.base).host} failed: ${scrub(err instanceof Error ? err.message : String(err), opened.auth.secrets)}`)
  } finally {
    await client.close().catch(() => undefined)
  }
}

/** describe_service for `mcp:<account>`: the server's tools as operations. */
export async function describeMcp(ctx: Acting, serviceId: string): Promise<Record<string, unknown>> {
  const { service, account: row } = await chooseAccount(ctx, serviceId, undefined)
  checkScope(service, row, false, 'tools/list')
  const limited = await takeToken(ctx, service, row)
  if (limited) throw new ToolError(String(limited.error))
  const opened = await openAccount(ctx, service, row, null)
  const { tools } = await withClient(ctx, opened, (c) => c.listTools(undefined, { signal: ctx.signal }))
  return {
    service: `mcp:${row.instanceId}`,
    title: row.accountLabel ?? row.instanceId,
    description: service.description,
    modules: [
      {
        name: 'tools',
        title: 'MCP tools',
        operations: (tools as McpTool[]).map((t) => ({ name: t.name, summary: t.description ?? t.annotations?.title ?? '', mutating: isMutating(t), params: t.inputSchema })),
      },
    ],
    recipes: service.recipes,
    rate_limits: { per_minute_per_account: service.rate_limit_per_minute, notes: service.rate_limit_notes },
    pagination_hints: {},
    response_examples: {},
  }
}

/** connector_execute for `mcp:<account>`: tools/call after the scope and the tool's input schema are checked. */
export async function executeMcp(ctx: Acting, req: ExecuteRequest): Promise<Record<string, unknown>> {
  const { service, account: row } = await chooseAccount(ctx, req.service, req.account)
  const limited = await takeToken(ctx, service, row)
  if (limited) return limited
  const opened = await openAccount(ctx, service, row, null)
  return withClient(ctx, opened, async (client) => {
    const { tools } = await client.listTools(undefined, { signal: ctx.signal })
    const tool = (tools as McpTool[]).find((t) => t.name === req.operation)
    if (!tool) throw new ToolError(`mcp:${row.instanceId} has no tool "${req.operation}"; tools: ${tools.map((t) => t.name).join(', ')}`)
    checkScope(service, row, isMutating(tool), tool.name)
    const check = new Validator(tool.inputSchema as never, '2020-12', false).validate(req.params)
    if (!check.valid) throw new ToolError(`invalid params for mcp:${row.instanceId} ${tool.name}: ${check.errors.map((e) => `${e.instanceLocation} ${e.error}`).join('; ')}`)
    const result = await client.callTool({ name: tool.name, arguments: req.params }, undefined, { signal: ctx.signal })
    const text = scrub(JSON.stringify({ content: result.content, structuredContent: result.structuredContent }), opened.auth.secrets)
    return { service: `mcp:${row.instanceId}`, account: row.instanceId, operation: tool.name, ok: result.isError !== true, ...cutForModel(text, false, req.max_chars, undefined) }
  })
}
