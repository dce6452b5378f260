import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as agents from '../db/agents'
import * as schedulesDb from '../db/schedules'
import { startScheduledRun } from '../runs/schedules'
import { errorResponses, IdSchema, jsonBody, jsonContent, OrgParamsSchema, pageOf, PaginationQuerySchema } from '../schemas/common'
import { RunSchema, toRun } from '../schemas/runs'
import { CreateScheduleSchema, PatchScheduleSchema, ScheduleSchema, toSchedule } from '../schemas/schedules'

const tags = ['Schedules']
const Params = OrgParamsSchema.extend({ schedule_id: IdSchema.openapi({ param: { name: 'schedule_id', in: 'path' } }) })

export const createScheduleRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/schedules',
  tags,
  summary: 'Create a schedule (5-field cron in an IANA time zone)',
  request: { params: OrgParamsSchema, body: jsonBody(CreateScheduleSchema) },
  responses: { 201: jsonContent(ScheduleSchema, 'The schedule'), ...errorResponses },
})
export const listSchedulesRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/schedules',
  tags,
  summary: 'List schedules',
  request: { params: OrgParamsSchema, query: PaginationQuerySchema },
  responses: { 200: jsonContent(pageOf(ScheduleSchema, 'ScheduleList'), 'A page of schedules'), ...errorResponses },
})
export const getScheduleRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/schedules/{schedule_id}',
  tags,
  summary: 'Get a schedule',
  request: { params: Params },
  responses: { 200: jsonContent(ScheduleSchema, 'The schedule'), ...errorResponses },
})
export const patchScheduleRoute = createRoute({
  method: 'patch',
  path: '/organizations/{org_id}/schedules/{schedule_id}',
  tags,
  summary: 'Update a schedule',
  request: { params: Params, body: jsonBody(PatchScheduleSchema) },
  responses: { 200: jsonContent(ScheduleSchema, 'The schedule'), ...errorResponses },
})
export const deleteScheduleRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/schedules/{schedule_id}',
  tags,
  summary: 'Delete a schedule',
  request: { params: Params },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
})
export const runScheduleRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/schedules/{schedule_id}/run',
  tags,
  summary: 'Run now (does not move next_run_at)',
  request: { params: Params },
  responses: { 202: jsonContent(RunSchema, 'The run'), ...errorResponses },
})
export const executionsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/schedules/{schedule_id}/executions',
  tags,
  summary: 'Runs this schedule started, newest first',
  request: { params: Params, query: PaginationQuerySchema },
  responses: { 200: jsonContent(pageOf(RunSchema, 'ScheduleExecutions'), 'A page of runs'), ...errorResponses },
})

export const scheduleRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createScheduleRoute, async (c) => {
    const body = c.req.valid('json')
    const agent = await agents.getAgent(c.var.db, c.var.orgId, body.agent_id)
    const row = await schedulesDb.createSchedule(c.var.db, {
      orgId: c.var.orgId,
      agentId: agent.id,
      name: body.name ?? body.input.split('\n')[0]?.slice(0, 100) ?? 'task',
      input: body.input,
      cron: body.cron,
      timezone: body.timezone,
      enabled: body.enabled,
      createdBy: c.var.principal.userId,
    })
    return c.json(toSchedule(row), 201)
  })
  .openapi(listSchedulesRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const page = await schedulesDb.listSchedules(c.var.db, c.var.orgId, limit, offset)
    return c.json({ items: page.items.map(toSchedule), total: page.total, limit, offset }, 200)
  })
  .openapi(getScheduleRoute, async (c) => c.json(toSchedule(await schedulesDb.getSchedule(c.var.db, c.var.orgId, c.req.valid('param').schedule_id)), 200))
  .openapi(patchScheduleRoute, async (c) => {
    const current = await schedulesDb.getSchedule(c.var.db, c.var.orgId, c.req.valid('param').schedule_id)
    const { agent_id, ...rest } = c.req.valid('json')
    if (agent_id) await agents.getAgent(c.var.db, c.var.orgId, agent_id)
    const row = await schedulesDb.updateSchedule(c.var.db, current, { ...rest, ...(agent_id ? { agentId: agent_id } : {}) })
    return c.json(toSchedule(row), 200)
  })
  .openapi(deleteScheduleRoute, async (c) => {
    await schedulesDb.deleteSchedule(c.var.db, await schedulesDb.getSchedule(c.var.db, c.var.orgId, c.req.valid('param').schedule_id))
    return c.body(null, 204)
  })
  .openapi(runScheduleRoute, async (c) => {
    const s = await schedulesDb.getSchedule(c.var.db, c.var.orgId, c.req.valid('param').schedule_id)
    const created = await startScheduledRun(c.var.db, c.env, s, new Date().toISOString(), true)
    return c.json(toRun(created.row), 202)
  })
  .openapi(executionsRoute, async (c) => {
    const s = await schedulesDb.getSchedule(c.var.db, c.var.orgId, c.req.valid('param').schedule_id)
    const { limit, offset } = c.req.valid('query')
    const page = await schedulesDb.listExecutions(c.var.db, s.id, limit, offset)
    return c.json({ items: page.items.map(toRun), total: page.total, limit, offset }, 200)
  })
