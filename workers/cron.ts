import { createDb } from './db/client'
import { pruneEvents } from './db/inbound'
import * as schedulesDb from './db/schedules'
import * as runsDb from './db/runs'
import type { Env } from './env'
import { errorForLog } from './lib/log'
import { pullDueDatasets, registerConnectorPull } from './runtime/warehouse'
import { ApiError } from './errors'
import { startScheduledRun } from './runs/schedules'
import { INBOUND_RETENTION_DAYS } from './runtime/connectors/inbound'
import { pullThroughConnector } from './runtime/connectors/warehouse-pull'
import { runStub } from './runs/stubs'
import { LEASE_MS } from './runtime/run-writer'

// Warehouse pulls go through the connector executor (grants, scopes, rate limits, scrubbing).
registerConnectorPull(pullThroughConnector)
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
  let fixed = 0
  for (const { id, status } of await runsDb.stuckRuns(db, cutoff, SWEEP_PER_TICK)) {
    const result = await runStub(env, id).sweep(status)
    if (result === 'missing') {
      await runsDb.markRunLost(db, id, now.toISOString())
      fixed += 1
    }
  }
  return fixed
}

/** Finished runs older than their org's retention: events (RunObject) and rows (D1), in batches. */
export async function applyRetention(env: Env, now: Date): Promise<number> {
  const db = createDb(env.DB)
  const purged: string[] = []
  for (const id of await runsDb.expiredRunIds(db, now.toISOString(), PURGE_PER_TICK)) if (await runStub(env, id).purge()) purged.push(id)
  await runsDb.deleteRunsWithDeliveries(db, purged)
  return purged.length
}

/** Inbound webhook events older than INBOUND_RETENTION_DAYS (query_events' journal), in batches. */
export async function pruneInboundEvents(env: Env, now: Date): Promise<number> {
  return pruneEvents(createDb(env.DB), new Date(now.getTime() - INBOUND_RETENTION_DAYS * 86_400_000).toISOString(), PURGE_PER_TICK)
}

/** The `* * * * *` tick: every job runs even when another fails. */
export async function tick(env: Env, now: Date): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {}
  for (const [name, job] of [
    ['schedules', runDueSchedules],
    ['sweeper', sweepStuckRuns],
    ['retention', applyRetention],
    ['datasets', pullDueDatasets],
    ['inbound', pruneInboundEvents],
  ] as const) {
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
