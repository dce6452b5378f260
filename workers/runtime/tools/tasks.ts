import { z } from 'zod'
import { createDb } from '../../db/client'
import * as schedulesDb from '../../db/schedules'
import { ApiError } from '../../errors'
import { cronProblem, isTimeZone } from '../../lib/cron'
import { startScheduledRun } from '../../runs/schedules'
import type { JsonObject } from '../../runs/types'
import { toSchedule } from '../../schemas/schedules'
import { defineTool, type ToolContext, ToolError } from './types'

const result = (value: unknown) => ({ kind: 'result' as const, result: JSON.stringify(value) })
const db = (ctx: ToolContext) => createDb(ctx.env.DB)

async function task(ctx: ToolContext, id: string | undefined) {
  if (!id) throw new ToolError('task_id is required for this action')
  try {
    return await schedulesDb.getSchedule(db(ctx), ctx.spec.org_id, id)
  } catch (err) {
    if (err instanceof ApiError) throw new ToolError(`no task ${id}`)
    throw err
  }
}

function checkTiming(cron: string | undefined, timezone: string | undefined) {
  const problem = cron === undefined ? undefined : cronProblem(cron)
  if (problem) throw new ToolError(problem)
  if (timezone !== undefined && !isTimeZone(timezone)) throw new ToolError(`unknown time zone ${timezone}`)
}

export const queryTasks = defineTool({
  name: 'query_tasks',
  input: z.object({ action: z.enum(['list', 'get', 'list_executions', 'execution_summary']), task_id: z.string().max(64).optional(), limit: z.number().int().min(1).max(50).default(20) }),
  run: async (args, ctx) => {
    if (args.action === 'list') return result((await schedulesDb.listSchedules(db(ctx), ctx.spec.org_id, args.limit, 0)).items.map(toSchedule))
    const t = await task(ctx, args.task_id)
    if (args.action === 'get') return result(toSchedule(t))
    const runs = (await schedulesDb.listExecutions(db(ctx), t.id, args.limit, 0)).items
    if (args.action === 'list_executions') return result(runs.map((r) => ({ run_id: r.id, status: r.status, created_at: r.createdAt, ended_at: r.endedAt, output: r.output?.slice(0, 500) ?? null })))
    const byStatus: Record<string, number> = {}
    for (const r of runs) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1
    return result({ task_id: t.id, executions: runs.length, by_status: byStatus, last_run_at: t.lastRunAt, last_status: t.lastStatus, next_run_at: t.nextRunAt })
  },
})

export const manageTask = defineTool({
  name: 'manage_task',
  input: z.object({
    action: z.enum(['create', 'create_subtask', 'run', 'toggle', 'update', 'delete']),
    task_id: z.string().max(64).optional(),
    name: z.string().min(1).max(200).optional(),
    input: z.string().min(1).max(100_000).optional(),
    cron: z.string().max(100).optional(),
    timezone: z.string().max(64).optional(),
    enabled: z.boolean().optional(),
    agent_id: z.string().max(64).optional(),
  }),
  run: async (args, ctx) => {
    const d = db(ctx)
    checkTiming(args.cron, args.timezone)
    if (args.action === 'create' || args.action === 'create_subtask') {
      if (!args.input || !args.cron) throw new ToolError(`${args.action} needs input and cron`)
      const parent = args.action === 'create_subtask' ? await task(ctx, args.task_id ?? ctx.spec.schedule_id ?? undefined) : undefined
      const row = await schedulesDb.createSchedule(d, {
        orgId: ctx.spec.org_id,
        agentId: args.agent_id ?? ctx.spec.agent_id,
        parentId: parent?.id ?? null,
        name: args.name ?? args.input.slice(0, 100),
        input: args.input,
        cron: args.cron,
        timezone: args.timezone ?? 'UTC',
        enabled: args.enabled ?? true,
        createdBy: null,
      })
      return result(toSchedule(row))
    }
    const t = await task(ctx, args.task_id)
    if (args.action === 'delete') {
      await schedulesDb.deleteSchedule(d, t)
      return result({ deleted: t.id })
    }
    if (args.action === 'run') {
      const created = await startScheduledRun(d, ctx.env, t, new Date().toISOString(), true)
      return result({ run_id: created.row.id, status: created.row.status })
    }
    const change =
      args.action === 'toggle'
        ? { enabled: !t.enabled }
        : {
            ...(args.name ? { name: args.name } : {}),
            ...(args.input ? { input: args.input } : {}),
            ...(args.cron ? { cron: args.cron } : {}),
            ...(args.timezone ? { timezone: args.timezone } : {}),
            ...(args.enabled === undefined ? {} : { enabled: args.enabled }),
          }
    return result(toSchedule(await schedulesDb.updateSchedule(d, t, change)))
  },
})

export const taskRuntime = defineTool({
  name: 'task_runtime',
  input: z.object({ action: z.enum(['save_state', 'load_state', 'suspend']), state: z.unknown().optional(), reason: z.string().max(500).optional() }),
  run: async (args, ctx) => {
    const id = ctx.spec.schedule_id
    if (!id) throw new ToolError('task_runtime works only inside a scheduled task execution')
    const t = await task(ctx, id)
    if (args.action === 'load_state') return result({ state: (t.state ?? null) as JsonObject | null })
    if (args.action === 'save_state') {
      if (JSON.stringify(args.state ?? null).length > 64 * 1024) throw new ToolError('state is larger than 64 KiB')
      await schedulesDb.updateSchedule(db(ctx), t, { state: args.state ?? null })
      return result({ ok: true })
    }
    return { kind: 'exit', answer: `Suspended${args.reason ? `: ${args.reason}` : ''}` }
  },
})
