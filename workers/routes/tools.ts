import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import * as agents from '../db/agents'
import { accessFor, availability, CATALOG } from '../runtime/tools/catalog'
import { AgentParamsSchema } from '../schemas/agents'
import { errorResponses, jsonContent } from '../schemas/common'
import { AgentToolListSchema, toAgentTool, ToolListSchema, toTool } from '../schemas/tools'

const tags = ['Tools']

export const listToolsRoute = createRoute({
  method: 'get',
  path: '/tools',
  tags,
  summary: 'Every tool of the catalog with its descriptor (seed 003, config/prompts/tools.yaml)',
  responses: { 200: jsonContent(ToolListSchema, 'The catalog'), ...errorResponses },
})

export const listAgentToolsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agents/{agent_id}/tools',
  tags,
  summary: 'The catalog for one agent: each tool available, or why not',
  request: { params: AgentParamsSchema },
  responses: { 200: jsonContent(AgentToolListSchema, 'The catalog with availability'), ...errorResponses },
})

const ALL = CATALOG.map(toTool)

export const toolRoutes = new OpenAPIHono<AppEnv>()
  .openapi(listToolsRoute, (c) => c.json({ items: ALL, total: ALL.length }, 200))
  .openapi(listAgentToolsRoute, async (c) => {
    const { org_id, agent_id } = c.req.valid('param')
    const agent = await agents.getAgent(c.var.db, org_id, agent_id)
    const access = await accessFor(c.env, c.var.db, { orgId: org_id, agentId: agent.id, connectors: agent.connectors })
    const items = CATALOG.map((e) => toAgentTool(e, availability(e, access)))
    return c.json({ items, total: items.length, available: items.filter((i) => i.available).length }, 200)
  })
