import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as runsDb from '../db/runs'
import * as service from '../runs/service'
import { RUN_STATUSES } from '../runs/types'
import { errorResponses, ErrorSchema, IdSchema, jsonBody, jsonContent, OrgParamsSchema, pageOf, PaginationQuerySchema } from '../schemas/common'
import { RunSchema, toRun, toTurn, TurnSchema } from '../schemas/runs'

const tags = ['Runs']
const RunParams = OrgParamsSchema.extend({ run_id: IdSchema.openapi({ param: { name: 'run_id', in: 'path' } }) })
const ListQuery = PaginationQuerySchema.extend({
  agent_id: IdSchema.optional(),
  status: z.enum(RUN_STATUSES).optional(),
  channel: z.string().max(32).optional(),
})
const conflict = { 409: jsonContent(ErrorSchema, 'The run is not in a state for this') }

export const listRunsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/runs',
  tags,
  summary: 'Runs of every channel, newest first',
  request: { params: OrgParamsSchema, query: ListQuery },
  responses: { 200: jsonContent(pageOf(RunSchema, 'RunList'), 'A page of runs'), ...errorResponses },
})
export const getRunRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/runs/{run_id}',
  tags,
  summary: 'A run: status, output, usage, cost',
  request: { params: RunParams },
  responses: { 200: jsonContent(RunSchema, 'The run'), ...errorResponses },
})
export const streamRunRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/runs/{run_id}/stream',
  tags,
  summary: 'SSE of the run (Last-Event-ID resumable)',
  request: { params: RunParams },
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses },
})
export const waitRunRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/runs/{run_id}/wait',
  tags,
  summary: 'Block until the run ends or is interrupted',
  request: { params: RunParams, query: z.object({ timeout: z.coerce.number().min(0).max(300).default(30) }) },
  responses: { 200: jsonContent(TurnSchema, 'The run, live'), ...errorResponses },
})
export const cancelRunRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/runs/{run_id}/cancel',
  tags,
  summary: 'Cancel (idempotent)',
  request: { params: RunParams },
  responses: { 200: jsonContent(TurnSchema, 'The run, live'), ...errorResponses },
})
export const resumeRunRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/runs/{run_id}/resume',
  tags,
  summary: 'Answer the question an interrupted run waits on',
  request: { params: RunParams, body: jsonBody(z.strictObject({ answer: z.string().min(1).max(100_000) }).openapi('ResumeRunRequest')) },
  responses: { 202: jsonContent(TurnSchema, 'Resumed'), ...conflict, ...errorResponses },
})

export const runRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(listRunsRoute, async (c) => {
    const { limit, offset, agent_id, status, channel } = c.req.valid('query')
    const filter = { agentId: agent_id, status, channels: channel ? [channel] : undefined }
    const page = await runsDb.listRuns(c.var.db, c.var.orgId, filter, limit, offset)
    return c.json({ items: page.items.map(toRun), total: page.total, limit, offset }, 200)
  })
  .openapi(getRunRoute, async (c) => c.json(toRun(await runsDb.getRun(c.var.db, c.var.orgId, c.req.valid('param').run_id)), 200))
  .openapi(streamRunRoute, async (c) => {
    const run = await runsDb.getRunRef(c.var.db, c.var.orgId, c.req.valid('param').run_id)
    return service.streamRun(c.env, run.id, service.lastEventIdOf(c.req))
  })
  .openapi(waitRunRoute, async (c) => {
    const run = await runsDb.getRun(c.var.db, c.var.orgId, c.req.valid('param').run_id)
    return c.json(toTurn(await service.waitRun(c.env, run.id, c.req.valid('query').timeout * 1000)), 200)
  })
  .openapi(cancelRunRoute, async (c) => {
    const run = await runsDb.getRun(c.var.db, c.var.orgId, c.req.valid('param').run_id)
    return c.json(toTurn(await service.cancelRun(c.env, run.id, 'Cancelled by the user')), 200)
  })
  .openapi(resumeRunRoute, async (c) => {
    const run = await runsDb.getRun(c.var.db, c.var.orgId, c.req.valid('param').run_id)
    return c.json(toTurn(await service.resumeRun(c.env, run.id, c.req.valid('json').answer)), 202)
  })
