import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import { findAgentsByCodeForUser } from '../db/agents'
import { listInstances } from '../db/instances'
import type { RunRow } from '../db/runs'
import { negotiated } from '../dialects/problem-details'
import { ApiError } from '../errors'
import { enforceRateLimits, orgBucket } from '../middleware/rate-limit'
import { costsOfRow } from '../schemas/runs'
import { publicBase } from './client-info'

export const MAX_INSTANCE_PAGE_SIZE = 100

const LinkSchema = z.object({ method: z.string(), url: z.string(), rel: z.string() }).openapi('Link')

export const AgentInstanceSchema = z
  .object({
    links: z.array(LinkSchema).nullable(),
    id: z.string(),
    name: z.string(),
    agentVersion: z.number().int(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    timeToFirstToken: z.number().int().nullable(),
    channel: z.string(),
    userIdentifier: z.string().nullable(),
    groupIdentifier: z.string().nullable(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int(), totalTokens: z.number().int() }),
    costs: z.object({ prompt: z.number(), completion: z.number(), services: z.number(), total: z.number(), currency: z.string() }),
  })
  .openapi('AgentInstance')

export const AgentInstancePageSchema = z
  .object({
    items: z.array(AgentInstanceSchema).nullable(),
    total: z.number().int(),
    pageSize: z.number().int(),
    page: z.number().int(),
    links: z.array(LinkSchema).nullable(),
  })
  .openapi('AgentInstancePage')

const Params = z.object({
  agentCode: z.string().min(1).max(64).openapi({ param: { name: 'agentCode', in: 'path' } }),
})
const VersionParams = Params.extend({
  agentVersion: z.coerce.number().int().min(1).openapi({ param: { name: 'agentVersion', in: 'path' } }),
})
const Query = z.object({
  userIdentifier: z.string().max(256).optional(),
  groupIdentifier: z.string().max(256).optional(),
  search: z.string().max(200).optional(),
  sort: z.string().regex(/^(asc|desc)$/i, 'sort must be "asc" or "desc"').optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  // Larger pages are capped, not refused (seed 004: "default 20").
  pageSize: z.coerce.number().int().min(1).default(20).transform((n) => Math.min(n, MAX_INSTANCE_PAGE_SIZE)),
  culture: z.string().max(16).optional(),
  orgId: z.coerce.number().int().positive().optional().openapi({ description: 'Only when the agent code exists in several of your organizations.' }),
})

const responses = {
  200: { description: 'OK', content: { 'application/json': { schema: AgentInstancePageSchema }, 'text/json': { schema: AgentInstancePageSchema }, 'text/plain': { schema: AgentInstancePageSchema } } },
  401: { description: 'The user is unauthorized or the session expired' },
  403: { description: 'The user does not have permission' },
  404: { description: 'The entity was not found' },
  500: { description: 'There was an unexpected error' },
}

export const listInstancesRoute = createRoute({
  method: 'get', path: '/AgentInstance/{agentCode}', tags: ['AgentInstance'],
  summary: 'Gets a paginated list of agent instances (all versions)',
  request: { params: Params, query: Query }, responses,
})
export const listVersionInstancesRoute = createRoute({
  method: 'get', path: '/AgentInstance/{agentCode}/{agentVersion}', tags: ['AgentInstance'],
  summary: 'Gets a paginated list of agent instances for a given agent version',
  request: { params: VersionParams, query: Query }, responses,
})

function toInstance(base: string, r: RunRow): z.infer<typeof AgentInstanceSchema> {
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

async function page(c: Context<AppEnv>, code: string, version: number | undefined, q: z.infer<typeof Query>): Promise<Response> {
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

export const instanceRoutes = new OpenAPIHono<AppEnv>()
  .openapi(listInstancesRoute, async (c) => page(c, c.req.valid('param').agentCode, undefined, c.req.valid('query')))
  .openapi(listVersionInstancesRoute, async (c) => {
    const { agentCode, agentVersion } = c.req.valid('param')
    return page(c, agentCode, agentVersion, c.req.valid('query'))
  })
