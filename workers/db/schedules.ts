import { and, asc, desc, eq, lte, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { nextSlot } from '../lib/cron'
import { paged } from './paged'
import { runs, scheduleSlots, schedules } from './schema'

export type ScheduleRow = typeof schedules.$inferSelect
export type NewSchedule = Omit<typeof schedules.$inferInsert, 'id' | 'nextRunAt'>

const nowIso = () => new Date().toISOString()

export async function createSchedule(db: Db, input: NewSchedule, now = new Date()): Promise<ScheduleRow> {
  const [row] = await db
    .insert(schedules)
    .values({ ...input, id: crypto.randomUUID(), nextRunAt: input.enabled === false ? null : nextSlot(input.cron, input.timezone, now) })
    .returning()
  if (!row) throw new Error('schedule insert returned no row')
  return row
}

export async function getSchedule(db: Db, orgId: number, id: string): Promise<ScheduleRow> {
  const row = await db
    .select()
    .from(schedules)
    .where(and(eq(schedules.orgId, orgId), eq(schedules.id, id)))
    .get()
  if (!row) throw ApiError.notFound('Schedule')
  return row
}

export async function listSchedules(db: Db, orgId: number, limit: number, offset: number) {
  return paged(db, schedules, eq(schedules.orgId, orgId), [asc(schedules.createdAt), asc(schedules.id)], limit, offset)
}

/** Applies a change; a new cron, time zone or enabling recomputes next_run_at from now. */
export async function updateSchedule(
  db: Db,
  current: ScheduleRow,
  change: Partial<Pick<ScheduleRow, 'name' | 'input' | 'cron' | 'timezone' | 'enabled' | 'agentId' | 'state'>>,
  now = new Date(),
): Promise<ScheduleRow> {
  const next = { ...current, ...change }
  const timing = change.cron !== undefined || change.timezone !== undefined || change.enabled !== undefined
  const [row] = await db
    .update(schedules)
    .set({ ...change, updatedAt: nowIso(), ...(timing ? { nextRunAt: next.enabled ? nextSlot(next.cron, next.timezone, now) : null } : {}) })
    .where(eq(schedules.id, current.id))
    .returning()
  if (!row) throw ApiError.notFound('Schedule')
  return row
}

export async function deleteSchedule(db: Db, current: ScheduleRow): Promise<void> {
  await db.batch([db.delete(scheduleSlots).where(eq(scheduleSlots.scheduleId, current.id)), db.delete(schedules).where(eq(schedules.id, current.id))])
}

export async function listExecutions(db: Db, scheduleId: string, limit: number, offset: number) {
  return paged(db, runs, eq(runs.scheduleId, scheduleId), [desc(runs.createdAt), desc(runs.number)], limit, offset)
}

/** Enabled schedules whose next slot is due, oldest first, at most `limit` (index schedules_due_idx). */
export async function dueSchedules(db: Db, now: Date, limit: number): Promise<ScheduleRow[]> {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.enabled, true), lte(schedules.nextRunAt, now.toISOString())))
    .orderBy(asc(schedules.nextRunAt))
    .limit(limit)
}

/** Claims a slot: true for exactly one caller, however many ticks race for it. */
export async function claimSlot(db: Db, scheduleId: string, slot: string): Promise<boolean> {
  const rows = await db.insert(scheduleSlots).values({ scheduleId, slot }).onConflictDoNothing().returning({ slot: scheduleSlots.slot })
  return rows.length === 1
}

export async function releaseSlot(db: Db, scheduleId: string, slot: string): Promise<void> {
  await db.delete(scheduleSlots).where(and(eq(scheduleSlots.scheduleId, scheduleId), eq(scheduleSlots.slot, slot)))
}

/** What became of a claimed slot: a run, or a refusal (budget spent, agent gone or disabled). */
export type SlotOutcome = { slot: string; runId: string } | { slot: string; refused: string }

/** After a slot (or none: it was already taken), the schedule points at the first slot after now. */
export async function advance(db: Db, s: ScheduleRow, now: Date, outcome?: SlotOutcome): Promise<void> {
  const last = outcome
    ? 'runId' in outcome
      ? // The run's status as D1 has it now: a run that ended before this write is not shown pending for good.
        { lastRunAt: outcome.slot, lastRunId: outcome.runId, lastStatus: sql<string>`coalesce((SELECT r.status FROM runs r WHERE r.id = ${outcome.runId}), 'pending')` }
      : { lastRunAt: outcome.slot, lastStatus: `refused: ${outcome.refused}` }
    : {}
  await db.batch([
    db
      .update(schedules)
      .set({ nextRunAt: nextSlot(s.cron, s.timezone, now), ...last })
      .where(and(eq(schedules.id, s.id), eq(schedules.nextRunAt, s.nextRunAt ?? ''))),
    ...(outcome && 'runId' in outcome
      ? [
          db
            .update(scheduleSlots)
            .set({ runId: outcome.runId })
            .where(and(eq(scheduleSlots.scheduleId, s.id), eq(scheduleSlots.slot, outcome.slot))),
        ]
      : []),
  ] as const)
}
