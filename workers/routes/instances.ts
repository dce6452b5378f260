import { createRoute, OpenAPIHono, type z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AuthedEnv } from '../app-env'
import { findAgentsByCodeForUser } from '../db/agents'
import { listInstances } from '../db/instances'
import type { RunRow } from '../db/runs'
import { negotiated } from '../dialects/problem-details'
import { ApiError } from '../errors'
import { enforceRateLimits, orgBucket } from '../middleware/rate-limit'
import { AgentInstancePageSchema, type AgentInstance, InstanceParams, InstanceQuery, InstanceVersionParams } from '../schemas/instances'
import { costsOfRow } from '../schemas/runs'
import { publicBase } from './client-info'

const responses = {
  200: { description: 'OK', content: { 'application/json': { schema: AgentInstancePageSchema }, 'text/json': { schema: AgentInstancePageSchema }, 'text/plain': { schema: AgentInstancePageSchema } } },
  401: { description: 'The user is unauthorized or the session expired' },
  403: { description: 'The user does not have permission' },
  404: { description: 'The entity was not found' },
  500: { description: 'There was an unexpected error' },
}

export const listInstancesRoute = createRoute({
  method: 'get',
  path: '/AgentInstance/{agentCode}',
  tags: ['AgentInstance'],
  summary: 'Gets a paginated list of agent instances (all versions)',
  request: { params: InstanceParams, query: InstanceQuery },
  responses,
})
export const listVersionInstancesRoute = createRoute({
  method: 'get',
  path: '/AgentInstance/{agentCode}/{agentVersion}',
  tags: ['AgentInstance'],
  summary: 'Gets a paginated list of agent instances for a given agent version',
  request: { params: InstanceVersionParams, query: InstanceQuery },
  responses,
})

function toInstance(base: string, r: RunRow): AgentInstance {
  const run = `${base}/v1/organizations/${r.orgId}/runs/${r.id}`
  return {
    links: [
      { method: 'GET', url: run, rel: 'self' },
      { method: 'GET', url: `${run}/stream`, rel: 'stream' },
      { method: 'POST', url: `${run}/cancel`, rel: 'cancel' },
    ],
    id: r.id,
    name: r.name,
    agentVersion: r.agentVersion,
    startDate: r.createdAt,
    endDate: r.endedAt,
    timeToFirstToken: r.timeToFirstTokenMs,
    channel: r.channel,
    userIdentifier: r.userIdentifier,
    groupIdentifier: r.groupIdentifier,
    ipAddress: r.ipAddress,
    userAgent: r.userAgent,
    usage: { promptTokens: r.promptTokens, completionTokens: r.completionTokens, totalTokens: r.totalTokens },
    costs: costsOfRow(r),
  }
}

async function page(c: Context<AuthedEnv>, code: string, version: number | undefined, q: z.infer<typeof InstanceQuery>): Promise<Response> {
  const found = await findAgentsByCodeForUser(c.var.db, c.var.principal.userId, code, q.orgId)
  const hit = found[0]
  if (!hit) throw q.orgId === undefined ? ApiError.notFound('Agent') : new ApiError('forbidden', 'No such agent in an organization you belong to')
  if (found.length > 1) throw ApiError.invalid(['query', 'orgId'], 'This agent code exists in several of your organizations: say which with orgId')
  const { agent } = hit
  if (version !== undefined && version > agent.version) throw ApiError.notFound('Agent version')
  await enforceRateLimits(c.env, [orgBucket(c.env, agent.orgId, hit.orgRateLimit)])

  const ascending = q.sort?.toLowerCase() === 'asc'
  const result = await listInstances(c.var.db, {
    agentId: agent.id,
    version,
    userIdentifier: q.userIdentifier,
    groupIdentifier: q.groupIdentifier,
    search: q.search,
    ascending,
    limit: q.pageSize,
    offset: (q.page - 1) * q.pageSize,
  })
  const base = publicBase(c)
  const self = new URL(c.req.url)
  const pageUrl = (p: number) => {
    const u = new URL(`${base}${self.pathname}${self.search}`)
    u.searchParams.set('page', String(p))
    u.searchParams.set('pageSize', String(q.pageSize))
    return u.toString()
  }
  const links = [{ method: 'GET', url: pageUrl(q.page), rel: 'self' }]
  if (q.page * q.pageSize < result.total) links.push({ method: 'GET', url: pageUrl(q.page + 1), rel: 'next' })
  if (q.page > 1) links.push({ method: 'GET', url: pageUrl(q.page - 1), rel: 'prev' })
  return negotiated(c, { items: result.items.map((r) => toInstance(base, r)), total: result.total, pageSize: q.pageSize, page: q.page, links }, 200)
}

export const instanceRoutes = new OpenAPIHono<AuthedEnv>()
  .openapi(listInstancesRoute, async (c) => page(c, c.req.valid('param').agentCode, undefined, c.req.valid('query')))
  .openapi(listVersionInstancesRoute, async (c) => {
    const { agentCode, agentVersion } = c.req.valid('param')
    return page(c, agentCode, agentVersion, c.req.valid('query'))
  })
