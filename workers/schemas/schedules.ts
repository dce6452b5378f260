import { z } from '@hono/zod-openapi'
import type { ScheduleRow } from '../db/schedules'
import { cronProblem, isTimeZone } from '../lib/cron'
import { IdSchema } from './common'

export const CronSchema = z
  .string()
  .max(100)
  .superRefine((v, ctx) => {
    const problem = cronProblem(v)
    if (problem) ctx.addIssue({ code: 'custom', message: problem })
  })
  .openapi({ example: '0 9 * * 1-5' })

export const TimeZoneSchema = z.string().max(64).refine(isTimeZone, { message: 'timezone must be an IANA time zone such as Europe/Berlin' }).openapi({ example: 'Europe/Berlin' })

export const CreateScheduleSchema = z
  .strictObject({
    agent_id: IdSchema,
    name: z.string().trim().min(1).max(200).optional(),
    input: z.string().min(1).max(100_000),
    cron: CronSchema,
    timezone: TimeZoneSchema.default('UTC'),
    enabled: z.boolean().default(true),
  })
  .openapi('CreateScheduleRequest')

export const PatchScheduleSchema = z
  .strictObject({
    agent_id: IdSchema.optional(),
    name: z.string().trim().min(1).max(200).optional(),
    input: z.string().min(1).max(100_000).optional(),
    cron: CronSchema.optional(),
    timezone: TimeZoneSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .openapi('PatchScheduleRequest')

export const ScheduleSchema = z
  .object({
    id: z.string(),
    org_id: z.number().int(),
    agent_id: z.string(),
    parent_id: z.string().nullable(),
    name: z.string(),
    input: z.string(),
    cron: z.string(),
    timezone: z.string(),
    enabled: z.boolean(),
    next_run_at: z.string().nullable(),
    last_run_at: z.string().nullable(),
    last_run_id: z.string().nullable(),
    last_status: z.string().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi('Schedule')

export const toSchedule = (s: ScheduleRow): z.infer<typeof ScheduleSchema> => ({
  id: s.id,
  org_id: s.orgId,
  agent_id: s.agentId,
  parent_id: s.parentId,
  name: s.name,
  input: s.input,
  cron: s.cron,
  timezone: s.timezone,
  enabled: s.enabled,
  next_run_at: s.nextRunAt,
  last_run_at: s.lastRunAt,
  last_run_id: s.lastRunId,
  last_status: s.lastStatus,
  created_at: s.createdAt,
  updated_at: s.updatedAt,
})
