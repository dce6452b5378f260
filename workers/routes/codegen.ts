import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { OrgEnv } from '../app-env'
import * as agents from '../db/agents'
import * as runsDb from '../db/runs'
import { getOrgUser, listOrgUsers } from '../db/tenancy'
import { ApiError } from '../errors'
import * as service from '../runs/service'
import { AgentRunPageSchema, AgentRunResponseSchema, AgentRunWithLogsSchema, CreateAgentRunInputSchema, ResumeAgentRunInputSchema, SOURCE_TYPES, toAgentRun, toAgentRunLog } from '../schemas/codegen'
import { errorResponses, ErrorSchema, fastapiPage, fastapiPageOf, jsonBody, jsonContent, OrgParamsSchema, SkipLimitQuerySchema } from '../schemas/common'
import { qualifyModelId } from '../runtime/models/model-id'
import { clientInfo, publicBase } from './client-info'
import { toUserResponse, UserSchema } from '../schemas/tenancy'

const tags = ['Codegen agent runs']
const RunParams = OrgParamsSchema.extend({
  agent_run_id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'agent_run_id', in: 'path' } }),
})
const limited = { 429: jsonContent(ErrorSchema, 'Too Many Requests (Retry-After)') }

export const createAgentRunRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/agent/run',
  tags,
  summary: 'Create Agent Run',
  request: { params: OrgParamsSchema, body: jsonBody(CreateAgentRunInputSchema) },
  responses: { 200: jsonContent(AgentRunResponseSchema, 'Successful Response'), ...limited, ...errorResponses },
})
export const getAgentRunRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agent/run/{agent_run_id}',
  tags,
  summary: 'Get Agent Run',
  request: { params: RunParams },
  responses: { 200: jsonContent(AgentRunResponseSchema, 'Successful Response'), ...limited, ...errorResponses },
})
export const listAgentRunsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agent/runs',
  tags,
  summary: 'List Agent Runs',
  request: {
    params: OrgParamsSchema,
    query: SkipLimitQuerySchema.extend({ user_id: z.coerce.number().int().optional(), source_type: z.enum(SOURCE_TYPES).optional() }),
  },
  responses: { 200: jsonContent(AgentRunPageSchema, 'Successful Response'), ...limited, ...errorResponses },
})
export const resumeAgentRunRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/agent/run/resume',
  tags,
  summary: 'Resume Agent Run: answers a PAUSED run, or continues a finished one in a new run of the same thread',
  request: { params: OrgParamsSchema, body: jsonBody(ResumeAgentRunInputSchema) },
  responses: { 200: jsonContent(AgentRunResponseSchema, 'Successful Response'), ...limited, ...errorResponses },
})
export const agentRunLogsRoute = createRoute({
  method: 'get',
  path: '/alpha/organizations/{org_id}/agent/run/{agent_run_id}/logs',
  tags,
  summary: 'Get Agent Run Logs',
  request: {
    params: RunParams,
    query: SkipLimitQuerySchema.extend({
      reverse: z
        .enum(['true', 'false'])
        .default('false')
        .transform((v) => v === 'true'),
    }),
  },
  responses: { 200: jsonContent(AgentRunWithLogsSchema, 'Successful Response'), ...limited, ...errorResponses },
})
export const listOrgUsersRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/users',
  tags: ['Users'],
  summary: 'Get Users',
  request: { params: OrgParamsSchema, query: SkipLimitQuerySchema },
  responses: { 200: jsonContent(fastapiPageOf(UserSchema, 'Page_UserResponse_'), 'Successful Response'), ...errorResponses },
})
export const getOrgUserRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/users/{user_id}',
  tags: ['Users'],
  summary: 'Get User',
  request: {
    params: OrgParamsSchema.extend({
      user_id: z.coerce
        .number()
        .int()
        .positive()
        .openapi({ param: { name: 'user_id', in: 'path' } }),
    }),
  },
  responses: { 200: jsonContent(UserSchema, 'Successful Response'), ...errorResponses },
})

/** Codegen clients send bare model names (`gpt-4o`): they run on the deployment's default provider. */
function modelOf(c: Context<OrgEnv>, model: string): string {
  const id = qualifyModelId(model, c.env.DEFAULT_MODEL)
  if (!id) throw ApiError.invalid(['body', 'model'], `Unknown model "${model}"`)
  return id
}

const webUrl = (c: Context<OrgEnv>, r: runsDb.RunRow) => `${publicBase(c)}/v1/organizations/${r.orgId}/runs/${r.id}`

export const codegenRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createAgentRunRoute, async (c) => {
    const body = c.req.valid('json')
    const db = c.var.db
    const agent = await agents.agentForRun(db, c.var.orgId, body.agent_id)
    // Each Codegen run opens its own thread, so /resume can continue the conversation.
    const created = await service.createRun(db, c.env, {
      orgId: c.var.orgId,
      agent,
      input: body.prompt,
      images: body.images,
      model: body.model ? modelOf(c, body.model) : null,
      channel: 'codegen',
      createdBy: c.var.principal.userId,
      threadId: crypto.randomUUID(),
      newThread: true,
      metadata: { ...(body.metadata ?? {}), ...(body.agent_type ? { agent_type: body.agent_type } : {}) },
      ...clientInfo(c),
    })
    return c.json(toAgentRun(created.row, webUrl(c, created.row)), 200)
  })
  .openapi(getAgentRunRoute, async (c) => {
    const row = await runsDb.getRunByNumber(c.var.db, c.var.orgId, c.req.valid('param').agent_run_id)
    return c.json(toAgentRun(row, webUrl(c, row)), 200)
  })
  .openapi(listAgentRunsRoute, async (c) => {
    const { skip, limit, user_id, source_type } = c.req.valid('query')
    const channels = source_type === undefined ? undefined : source_type === 'CHAT' ? ['session'] : source_type === 'API' ? ['codegen', 'api', 'acp', 'cron'] : []
    const page = await runsDb.listRuns(c.var.db, c.var.orgId, { createdBy: user_id, channels }, limit, skip)
    return c.json(
      fastapiPage(
        page.items.map((r) => toAgentRun(r, webUrl(c, r))),
        page.total,
        skip,
        limit,
      ),
      200,
    )
  })
  .openapi(resumeAgentRunRoute, async (c) => {
    const { agent_run_id, prompt, images } = c.req.valid('json')
    const db = c.var.db
    const row = await runsDb.getRunByNumber(db, c.var.orgId, agent_run_id)
    if (row.status === 'interrupted') {
      if (images?.length) throw ApiError.invalid(['body', 'images'], 'A PAUSED run takes a text answer; send images when continuing a finished run')
      await service.resumeRun(c.env, row.id, prompt)
      return c.json(toAgentRun(await runsDb.getRun(db, c.var.orgId, row.id), webUrl(c, row)), 200)
    }
    if (!row.threadId) throw new ApiError('conflict', 'This run has no thread to continue')
    const agent = await agents.getAgent(db, c.var.orgId, row.agentId)
    const created = await service.createRun(db, c.env, {
      orgId: c.var.orgId,
      agent,
      input: prompt,
      images,
      channel: row.channel,
      createdBy: c.var.principal.userId,
      threadId: row.threadId,
      strategy: 'enqueue',
      metadata: { resumed_from: row.number },
      ...clientInfo(c),
    })
    return c.json(toAgentRun(created.row, webUrl(c, created.row)), 200)
  })
  .openapi(agentRunLogsRoute, async (c) => {
    const { skip, limit, reverse } = c.req.valid('query')
    const row = await runsDb.getRunByNumber(c.var.db, c.var.orgId, c.req.valid('param').agent_run_id)
    const logs = await service.runLogs(c.env, row.id, skip, limit, reverse)
    const page = fastapiPage(
      logs.items.map((e) => toAgentRunLog(row.number, e)),
      logs.total,
      skip,
      limit,
    )
    const { summary: _s, source_type: _t, github_pull_requests: _g, ...run } = toAgentRun(row, webUrl(c, row))
    return c.json({ ...run, logs: page.items, total_logs: page.total, page: page.page, size: page.size, pages: page.pages }, 200)
  })
  .openapi(listOrgUsersRoute, async (c) => {
    const { skip, limit } = c.req.valid('query')
    const page = await listOrgUsers(c.var.db, c.var.orgId, limit, skip)
    return c.json(
      fastapiPage(
        page.items.map((r) => toUserResponse(r.user, r.role)),
        page.total,
        skip,
        limit,
      ),
      200,
    )
  })
  .openapi(getOrgUserRoute, async (c) => {
    const row = await getOrgUser(c.var.db, c.var.orgId, c.req.valid('param').user_id)
    return c.json(toUserResponse(row.user, row.role), 200)
  })

/** Codegen endpoints that only make sense for its GitHub PR product: a clear 501, listed in the README. */
export const CODEGEN_NOT_IMPLEMENTED: readonly [method: 'get' | 'post' | 'put' | 'patch', path: string][] = [
  ['post', '/organizations/:org_id/agent/run/ban'],
  ['post', '/organizations/:org_id/agent/run/unban'],
  ['post', '/organizations/:org_id/agent/run/remove-from-pr'],
  ['get', '/organizations/:org_id/repos'],
  ['get', '/organizations/:org_id/repos/check-suite-settings'],
  ['put', '/organizations/:org_id/repos/check-suite-settings'],
  ['patch', '/organizations/:org_id/prs/:pr_id'],
  ['patch', '/organizations/:org_id/repos/:repo_id/prs/:pr_id'],
  ['get', '/organizations/:org_id/integrations'],
  ['post', '/organizations/:org_id/setup-commands/generate'],
  ['post', '/organizations/:org_id/sandbox/:sandbox_id/analyze-logs'],
  ['get', '/organizations/:org_id/cli/rules'],
  ['get', '/mcp-providers'],
  ['get', '/oauth/tokens/status'],
  ['post', '/oauth/tokens/revoke'],
  ['post', '/slack-connect/generate-token'],
]

for (const [method, path] of CODEGEN_NOT_IMPLEMENTED) {
  codegenRoutes.on(method.toUpperCase(), path, () => {
    throw new ApiError('not_implemented', `${method.toUpperCase()} /v1${path} belongs to Codegen's GitHub pull-request product, which agentplane does not implement`)
  })
}
