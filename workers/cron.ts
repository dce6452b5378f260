import { inArray, sql } from 'drizzle-orm'
import type { Db } from './app-env'
import { createDb } from './db/client'
import * as schedulesDb from './db/schedules'
import { runs, webhookDeliveries } from './db/schema'
import type { Env } from './env'
import { errorForLog } from './lib/log'
import { ApiError } from './errors'
import { startScheduledRun } from './runs/schedules'
import { runStub } from './runs/stubs'
import { LEASE_MS } from './runtime/run-writer'

/** Bounds per tick, so a tick always finishes well inside the scheduled handler's time. */
const SCHEDULES_PER_TICK = 100
const SWEEP_PER_TICK = 100
const PURGE_PER_TICK = 200
/** A run still pending/running this long after it was created is checked by the sweeper. */
const SWEEP_AFTER_MS = 2 * LEASE_MS

/**
 * Each due schedule starts at most one run per slot: the slot is claimed in D1 first, so a doubled
 * or overlapping tick starts nothing extra. After downtime the schedule has many missed slots but
 * one `next_run_at`: it runs once, then points at the first slot after now.
 */
export async function runDueSchedules(env: Env, now: Date): Promise<number> {
  const db = createDb(env.DB)
  let started = 0
  for (const s of await schedulesDb.dueSchedules(db, now, SCHEDULES_PER_TICK)) {
    const slot = s.nextRunAt
    if (!slot) continue
    if (!(await schedulesDb.claimSlot(db, s.id, slot))) {
      await schedulesDb.advance(db, s, now)
      continue
    }
    try {
      const created = await startScheduledRun(db, env, s, slot)
      await schedulesDb.advance(db, s, now, { slot, runId: created.row.id })
      started += 1
    } catch (err) {
      if (!(err instanceof ApiError)) {
        await schedulesDb.releaseSlot(db, s.id, slot) // a fault: the next tick tries this slot again
        throw err
      }
      // Refused (budget spent, agent deleted or disabled): the slot is used up; the schedule says why.
      await schedulesDb.advance(db, s, now, { slot, refused: err.code })
    }
  }
  return started
}

/** Runs D1 shows as pending/running for long: their RunObject re-checks them (see RunObject.sweep). */
export async function sweepStuckRuns(env: Env, now: Date): Promise<number> {
  const db = createDb(env.DB)
  const cutoff = new Date(now.getTime() - SWEEP_AFTER_MS).toISOString()
  const rows = await db.all<{ id: string }>(sql`SELECT id FROM runs WHERE status IN ('pending', 'running') AND created_at < ${cutoff} ORDER BY created_at LIMIT ${SWEEP_PER_TICK}`)
  let fixed = 0
  for (const { id } of rows) {
    const result = await runStub(env, id).sweep()
    if (result === 'missing') {
      await db.run(sql`UPDATE runs SET status = 'error', error_code = 'lost', error_message = 'The run was recorded but never reached its Durable Object', ended_at = ${now.toISOString()} WHERE id = ${id}`)
      fixed += 1
    }
  }
  return fixed
}

/** Finished runs older than their org's retention: events (RunObject) and rows (D1), in batches. */
export async function applyRetention(env: Env, now: Date): Promise<number> {
  const db: Db = createDb(env.DB)
  const at = now.toISOString()
  const rows = await db.all<{ id: string }>(sql`
    SELECT r.id FROM runs r JOIN organizations o ON o.id = r.org_id
    WHERE r.ended_at IS NOT NULL AND r.ended_at < strftime('%Y-%m-%dT%H:%M:%fZ', ${at}, '-' || o.retention_days || ' days')
    ORDER BY r.ended_at LIMIT ${PURGE_PER_TICK}`)
  const purged: string[] = []
  for (const { id } of rows) if (await runStub(env, id).purge()) purged.push(id)
  // D1 allows 100 bound parameters per statement. (Query builders, not raw SQL: drizzle cannot
  // batch raw statements that have parameters.)
  for (let i = 0; i < purged.length; i += 90) {
    const ids = purged.slice(i, i + 90)
    await db.batch([db.delete(webhookDeliveries).where(inArray(webhookDeliveries.runId, ids)), db.delete(runs).where(inArray(runs.id, ids))])
  }
  return purged.length
}

/** The `* * * * *` tick: every job runs even when another fails. */
export async function tick(env: Env, now: Date): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {}
  for (const [name, job] of [['schedules', runDueSchedules], ['sweeper', sweepStuckRuns], ['retention', applyRetention]] as const) {
    try {
      out[name] = await job(env, now)
    } catch (err) {
      out[name] = `failed: ${errorForLog(err)}`
      console.error(`cron ${name} failed: ${err instanceof Error ? err.message : String(err)}`)
    }
  }
  return out
}

/** cron expression (wrangler.toml [triggers]) → job. */
export const CRON_JOBS: Record<string, (env: Env, now: Date) => Promise<unknown>> = { '* * * * *': tick }
