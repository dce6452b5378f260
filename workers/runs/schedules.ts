import type { Db } from '../app-env'
import * as agents from '../db/agents'
import type { ScheduleRow } from '../db/schedules'
import type { Env } from '../env'
import { createRun } from './service'

/** One execution of a schedule (a due slot, or "run now"): a run on channel `cron`. */
export async function startScheduledRun(db: Db, env: Env, s: ScheduleRow, slot: string, manual = false) {
  const agent = await agents.getAgent(db, s.orgId, s.agentId)
  return createRun(db, env, {
    orgId: s.orgId,
    agent,
    input: s.input,
    channel: 'cron',
    createdBy: s.createdBy,
    scheduleId: s.id,
    metadata: { schedule_id: s.id, slot, ...(manual ? { manual: true } : {}) },
  })
}
