import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as agents from '../db/agents'
import { AgentListSchema, AgentParamsSchema, AgentSchema, CreateAgentSchema, PatchAgentSchema, toAgent, toAgentProfile } from '../schemas/agents'
import { errorResponses, jsonBody, jsonContent, systemAgent400, OrgParamsSchema, PaginationQuerySchema } from '../schemas/common'

const tags = ['Agents']

export const listAgentsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agents',
  tags,
  summary: 'List agents: the system agent first, then custom agents',
  request: { params: OrgParamsSchema, query: PaginationQuerySchema },
  responses: { 200: jsonContent(AgentListSchema, 'A page of agents'), ...errorResponses },
})

export const createAgentRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/agents',
  tags,
  summary: 'Create an agent (only name is required)',
  request: { params: OrgParamsSchema, body: jsonBody(CreateAgentSchema) },
  responses: { 201: jsonContent(AgentSchema, 'The new agent'), ...errorResponses },
})

export const getAgentRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agents/{agent_id}',
  tags,
  summary: 'Get an agent',
  request: { params: AgentParamsSchema },
  responses: { 200: jsonContent(AgentSchema, 'The agent'), ...errorResponses },
})

export const patchAgentRoute = createRoute({
  method: 'patch',
  path: '/organizations/{org_id}/agents/{agent_id}',
  tags,
  summary: 'Update part of the profile; a profile change bumps version',
  request: { params: AgentParamsSchema, body: jsonBody(PatchAgentSchema) },
  responses: { 200: jsonContent(AgentSchema, 'The updated agent'), ...systemAgent400, ...errorResponses },
})

export const deleteAgentRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/agents/{agent_id}',
  tags,
  summary: 'Soft-delete an agent (old runs keep referring to it)',
  request: { params: AgentParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...systemAgent400, ...errorResponses },
})

export const agentRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(listAgentsRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const page = await agents.listAgents(c.var.db, c.var.orgId, limit, offset)
    return c.json({ items: page.items.map(toAgent), total: page.total, limit, offset }, 200)
  })
  .openapi(createAgentRoute, async (c) => {
    const body = c.req.valid('json')
    const row = await agents.createAgent(c.var.db, c.var.orgId, c.var.principal.userId, { ...toAgentProfile(body), name: body.name }, c.env.DEFAULT_MODEL ?? 'dev/echo')
    return c.json(toAgent(row), 201)
  })
  .openapi(getAgentRoute, async (c) => {
    const row = await agents.getAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    return c.json(toAgent(row), 200)
  })
  .openapi(patchAgentRoute, async (c) => {
    const current = await agents.getCustomAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    const row = await agents.patchAgent(c.var.db, current, toAgentProfile(c.req.valid('json')))
    return c.json(toAgent(row), 200)
  })
  .openapi(deleteAgentRoute, async (c) => {
    const current = await agents.getCustomAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    await agents.softDeleteAgent(c.var.db, current)
    return c.body(null, 204)
  })
