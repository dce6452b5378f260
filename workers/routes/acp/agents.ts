import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { OrgEnv } from '../../app-env'
import { searchAgents } from '../../db/acp'
import { getAgent } from '../../db/agents'
import { AgentParams, AgentSearchSchema } from '../../schemas/acp'
import { AcpAgentSchema, AcpDescriptorSchema, acpOk } from '../../schemas/acp-responses'
import { jsonBody } from '../../schemas/common'
import { toAcpAgent, toDescriptor } from './present'

const tags = ['ACP Agents']

export const searchAgentsRoute = createRoute({
  method: 'post',
  path: '/agents/search',
  tags,
  summary: 'Search Agents',
  request: { body: jsonBody(AgentSearchSchema) },
  responses: acpOk(z.array(AcpAgentSchema), 'Agents'),
})
export const getAgentRoute = createRoute({ method: 'get', path: '/agents/{agent_id}', tags, summary: 'Get Agent', request: { params: AgentParams }, responses: acpOk(AcpAgentSchema, 'Agent') })
export const getDescriptorRoute = createRoute({
  method: 'get',
  path: '/agents/{agent_id}/descriptor',
  tags,
  summary: 'Get Agent ACP Descriptor',
  request: { params: AgentParams },
  responses: acpOk(AcpDescriptorSchema, 'AgentACPDescriptor'),
})

export const acpAgentRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(searchAgentsRoute, async (c) => c.json((await searchAgents(c.var.db, c.var.orgId, c.req.valid('json'))).map(toAcpAgent), 200))
  .openapi(getAgentRoute, async (c) => c.json(toAcpAgent(await getAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)), 200))
  .openapi(getDescriptorRoute, async (c) => c.json(toDescriptor(await getAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)), 200))
