import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { CallToolRequestSchema, type CallToolResult, ListToolsRequestSchema, type Tool } from '@modelcontextprotocol/sdk/types.js'
import { CfWorkerJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/cfworker-provider.js'
import { Hono } from 'hono'
import { z } from 'zod'
import type { AppEnv, OrgEnv } from '../app-env'
import * as agents from '../db/agents'
import * as runsDb from '../db/runs'
import type { Env } from '../env'
import { ApiError } from '../errors'
import * as service from '../runs/service'
import { runEvents } from '../runs/stream'
import { threadState } from '../runs/threads'
import { VERSION } from '../version'
import { clientInfo } from './client-info'

/** tools/list pages: one D1 page of agents each. */
const PAGE = 100

/** One call of an agent tool: a message, and the session to continue (or whose question it answers). */
const CallArgsSchema = z.strictObject({
  message: z.string().min(1).max(100_000),
  session_id: z.uuid().optional(),
})

const INPUT_SCHEMA: Tool['inputSchema'] = {
  type: 'object',
  properties: {
    message: { type: 'string', description: 'What to ask the agent, or the answer to its question' },
    session_id: { type: 'string', description: 'Continue this session (returned by an earlier call); answers its pending question if it asked one' },
  },
  required: ['message'],
  additionalProperties: false,
}

interface Caller {
  env: Env
  db: AppEnv['Variables']['db']
  orgId: number
  userId: number
  client: ReturnType<typeof clientInfo>
}

const toolOf = (a: agents.AgentRow): Tool => ({
  name: a.code,
  title: a.name,
  description: [a.description || a.name, 'Each call is a run of this agent; its tokens arrive as progress notifications when the call carries a progressToken.'].join('\n'),
  inputSchema: INPUT_SCHEMA,
  annotations: { title: a.name, readOnlyHint: false, openWorldHint: true },
})

/** The run that answers this call: the session's pending question gets the message as its answer, else a new turn. */
async function startTurn(caller: Caller, agent: agents.AgentRow, args: z.infer<typeof CallArgsSchema>): Promise<{ sessionId: string; runId: string; after: number }> {
  const { db, env } = caller
  const thread = args.session_id ? await runsDb.getThreadForUser(db, caller.userId, args.session_id) : undefined
  if (thread && thread.agentId !== agent.id) throw ApiError.invalid(['arguments', 'session_id'], 'The session belongs to another agent')
  if (thread) {
    const state = await threadState(env, thread.id)
    if (state.status === 'interrupted' && state.active_run) {
      // Follow only what comes after the answer: the stream before it ends in the question already seen.
      const resumed = await service.resumeRun(env, state.active_run, args.message)
      return { sessionId: thread.id, runId: state.active_run, after: resumed.last_seq }
    }
  }
  const sessionId = thread?.id ?? crypto.randomUUID()
  const created = await service.createRun(db, env, {
    orgId: caller.orgId,
    agent,
    input: args.message,
    channel: 'mcp',
    createdBy: caller.userId,
    threadId: sessionId,
    newThread: !thread,
    strategy: 'enqueue',
    ...caller.client,
  })
  return { sessionId, runId: created.row.id, after: 0 }
}

/** Follows the run's event stream: token deltas become progress notifications; the end becomes the result. */
async function follow(env: Env, turn: { sessionId: string; runId: string; after: number }, agent: agents.AgentRow, progress: (text: string) => Promise<void>): Promise<CallToolResult> {
  const { sessionId, runId } = turn
  const meta = { session_id: sessionId, run_id: runId }
  for await (const event of runEvents(env, runId, turn.after)) {
    const data = event.data
    if (event.type === 'message_delta' && typeof data.text === 'string') await progress(data.text)
    if (event.type === 'interrupt') {
      const question = String(data.question ?? '')
      return {
        content: [{ type: 'text', text: `${agent.name} asks: ${question}\nTo answer, call the tool "${agent.code}" again with session_id "${sessionId}" and your answer as message.` }],
        structuredContent: { ...meta, status: 'interrupted', question },
      }
    }
    if (event.type === 'done') {
      const status = String(data.status)
      const error = data.error as { message?: string } | null
      const text = status === 'success' ? String(data.output ?? '') : `The run ended ${status}${error?.message ? `: ${error.message}` : ''}`
      return { content: [{ type: 'text', text }], structuredContent: { ...meta, status, usage: data.usage, costs: data.costs }, isError: status !== 'success' }
    }
  }
  return { content: [{ type: 'text', text: 'The run stream ended without a result' }], structuredContent: { ...meta, status: 'unknown' }, isError: true }
}

/** One MCP server per request (stateless streamable HTTP): every enabled agent of the org is a tool. */
function mcpServer(caller: Caller): Server {
  const server = new Server({ name: 'agentplane', version: VERSION }, { capabilities: { tools: {} }, jsonSchemaValidator: new CfWorkerJsonSchemaValidator() })
  server.setRequestHandler(ListToolsRequestSchema, async (req) => {
    const offset = Number(req.params?.cursor ?? 0)
    const page = await agents.listAgents(caller.db, caller.orgId, PAGE, Number.isSafeInteger(offset) && offset > 0 ? offset : 0)
    const next = (offset || 0) + PAGE
    return { tools: page.items.filter((a) => a.isEnabled).map(toolOf), ...(next < page.total ? { nextCursor: String(next) } : {}) }
  })
  server.setRequestHandler(CallToolRequestSchema, async (req, extra) => {
    const agent = await agents.findAgentByCode(caller.db, caller.orgId, req.params.name)
    if (!agent?.isEnabled) return { content: [{ type: 'text', text: `No enabled agent "${req.params.name}" in this organization` }], isError: true }
    const args = CallArgsSchema.safeParse(req.params.arguments ?? {})
    if (!args.success) return { content: [{ type: 'text', text: `Invalid arguments: ${args.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}` }], isError: true }
    const token = extra._meta?.progressToken
    let n = 0
    const progress = async (text: string) => {
      if (token === undefined) return
      n += 1
      await extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: n, message: text } })
    }
    try {
      return await follow(caller.env, await startTurn(caller, agent, args.data), agent, progress)
    } catch (err) {
      if (err instanceof ApiError) return { content: [{ type: 'text', text: err.message }], isError: true }
      throw err
    }
  })
  return server
}

/** /mcp: the fifth dialect. Auth and the organization come from the API key middleware, as for ACP. */
export const mcpRoutes = new Hono<OrgEnv>().all('/', async (c) => {
  const server = mcpServer({ env: c.env, db: c.var.db, orgId: c.var.orgId, userId: c.var.principal.userId, client: clientInfo(c) })
  const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined })
  await server.connect(transport)
  return transport.handleRequest(c.req.raw)
})
