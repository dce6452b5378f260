import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as agents from '../db/agents'
import { credentialsForAgent } from '../db/credentials'
import * as grants from '../db/grants'
import { ApiError } from '../errors'
import { getConnector, servicesOf } from '../runtime/connectors'
import { AgentParamsSchema, AgentSchema, PutConnectorsSchema, toAgent } from '../schemas/agents'
import { errorResponses, ErrorSchema, jsonBody, jsonContent, systemAgent400, PaginationQuerySchema } from '../schemas/common'
import { AvailableCredentialSchema, CreateGrantSchema, GrantListSchema, GrantParamsSchema, GrantSchema, toGrant } from '../schemas/credentials'

const tags = ['Agent access']

export const putConnectorsRoute = createRoute({
  method: 'put',
  path: '/organizations/{org_id}/agents/{agent_id}/connectors',
  tags,
  summary: 'Replace the allowed connectors (empty clears); grants outside them are revoked',
  request: { params: AgentParamsSchema, body: jsonBody(PutConnectorsSchema) },
  responses: { 200: jsonContent(AgentSchema, 'The updated agent'), ...systemAgent400, ...errorResponses },
})

export const availableCredentialsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agents/{agent_id}/available-credentials',
  tags,
  summary: "The org's credentials for the agent's allowed connectors, with grant state",
  request: { params: AgentParamsSchema },
  responses: { 200: jsonContent(z.array(AvailableCredentialSchema), 'Credentials'), ...errorResponses },
})

export const listGrantsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/agents/{agent_id}/grants',
  tags,
  summary: "The agent's grants",
  request: { params: AgentParamsSchema, query: PaginationQuerySchema },
  responses: { 200: jsonContent(GrantListSchema, 'A page of grants'), ...errorResponses },
})

export const createGrantRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/agents/{agent_id}/grants',
  tags,
  summary: 'Grant a credential to the agent, optionally narrowed by scopes',
  request: { params: AgentParamsSchema, body: jsonBody(CreateGrantSchema) },
  responses: {
    201: jsonContent(GrantSchema, 'The grant'),
    409: jsonContent(ErrorSchema, 'Already granted'),
    ...systemAgent400,
    ...errorResponses,
  },
})

export const deleteGrantRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/agents/{agent_id}/grants/{grant_id}',
  tags,
  summary: 'Revoke a grant',
  request: { params: GrantParamsSchema },
  responses: { 204: { description: 'Revoked' }, ...systemAgent400, ...errorResponses },
})

export const agentAccessRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(putConnectorsRoute, async (c) => {
    const { connector_keys: keys } = c.req.valid('json')
    const issues = keys.flatMap((k, i) => (getConnector(k) ? [] : [{ loc: ['body', 'connector_keys', i], msg: `Unknown connector "${k}"`, type: 'unknown_connector' }]))
    if (issues.length) throw new ApiError('invalid', 'Unknown connector keys', issues)
    const current = await agents.getCustomAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    const row = await agents.setConnectors(c.var.db, current, keys)
    await grants.revokeGrantsOutside(c.var.db, row, servicesOf(row.connectors))
    return c.json(toAgent(row), 200)
  })
  .openapi(availableCredentialsRoute, async (c) => {
    const agent = await agents.getAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    const rows = await credentialsForAgent(c.var.db, c.var.orgId, agent.id, servicesOf(agent.connectors))
    return c.json(
      rows.map((r) => ({
        credential_id: r.id,
        service_name: r.serviceName,
        instance_id: r.instanceId,
        account_label: r.accountLabel,
        last_used_at: r.lastUsedAt,
        granted: r.grantId !== null,
        grant_id: r.grantId,
      })),
      200,
    )
  })
  .openapi(listGrantsRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const agent = await agents.getAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    const page = await grants.listGrants(c.var.db, agent, limit, offset)
    return c.json({ items: page.items.map(toGrant), total: page.total, limit, offset }, 200)
  })
  .openapi(createGrantRoute, async (c) => {
    const { credential_id, scopes } = c.req.valid('json')
    const agent = await agents.getCustomAgent(c.var.db, c.var.orgId, c.req.valid('param').agent_id)
    const row = await grants.createGrant(c.var.db, agent, servicesOf(agent.connectors), credential_id, scopes ?? { read: true, write: true })
    return c.json(toGrant(row), 201)
  })
  .openapi(deleteGrantRoute, async (c) => {
    const { agent_id, grant_id } = c.req.valid('param')
    const agent = await agents.getCustomAgent(c.var.db, c.var.orgId, agent_id)
    await grants.deleteGrant(c.var.db, agent, grant_id)
    return c.body(null, 204)
  })
