import { and, asc, desc, eq, inArray, isNotNull, lt, type Placeholder, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { TtlCache } from '../lib/ttl-cache'
import type { RunSnapshot, ThreadMirror } from '../runs/types'
import { grantedServicesColumn, servicesOf } from './grants'
import { paged } from './paged'
import { prebuilt } from './prebuilt'
import { hasSearchSettingsColumn } from './search-settings'
import { memberships, organizations, runs, schedules, threads, webhookDeliveries } from './schema'
import { monthSpendColumn } from './tenancy'
import { hasEnabledEndpointColumn } from './webhooks'

export type RunRow = typeof runs.$inferSelect
export type NewRun = typeof runs.$inferInsert
export type ThreadRow = typeof threads.$inferSelect

/** What a stream's connect needs of a run: fixed when the run is created, never updated. */
export type RunRef = Pick<RunRow, 'id' | 'orgId' | 'channel' | 'stateless' | 'threadId' | 'creation'>
/**
 * Run refs are cached per isolate, put there by the insert and dropped by every delete made in the
 * isolate, so 1,000 readers connecting to one run read it from D1 once at most. A run deleted by
 * another isolate stays connectable there for up to this bound; its RunObject was rolled back, so
 * such a stream closes at once without events.
 */
export const RUN_REF_CACHE_MS = 30_000
const runRefs = new TtlCache<RunRef>(RUN_REF_CACHE_MS)
const refOf = (r: RunRow): RunRef => ({ id: r.id, orgId: r.orgId, channel: r.channel, stateless: r.stateless, threadId: r.threadId, creation: r.creation })

/** What a creation writes of a run, the placeholders of its prebuilt insert; every other column starts at its default (RUN_DEFAULTS). */
const RUN_INSERT_KEYS = [
  'id',
  'orgId',
  'agentId',
  'agentVersion',
  'threadId',
  'channel',
  'name',
  'status',
  'model',
  'input',
  'createdBy',
  'userIdentifier',
  'groupIdentifier',
  'ipAddress',
  'userAgent',
  'metadata',
  'creation',
  'scheduleId',
  'stateless',
] as const satisfies readonly (keyof NewRun)[]
export type RunInsert = Required<Pick<NewRun, (typeof RUN_INSERT_KEYS)[number]>>
/** The new thread a run's creation may bring. */
export type ThreadInsert = Required<Pick<typeof threads.$inferInsert, 'id' | 'orgId' | 'agentId' | 'createdBy' | 'status'>>

/** The schema's defaults of the columns a creation leaves out: the row is known without reading it back (a test holds it to D1's). */
const RUN_DEFAULTS: Omit<RunRow, keyof RunInsert | 'number' | 'createdAt'> = {
  output: null,
  errorCode: null,
  errorMessage: null,
  startedAt: null,
  endedAt: null,
  timeToFirstTokenMs: null,
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  costPrompt: 0,
  costCompletion: 0,
  costServices: 0,
  costTotal: 0,
  currency: 'USD',
  syncedSeq: 0,
}

/**
 * Inserts the run, and its new thread, in one round trip. The insert's RETURNING also reads the
 * org's monthly budget and spend (a run is inserted at no cost, so they are as before it: the caller
 * undoes the insert when the budget is spent) and the run's context. `threadCreated` is false when
 * the thread id was taken meanwhile (a concurrent first run of the same new thread).
 */
export async function insertRun(db: Db, run: RunInsert, newThread?: ThreadInsert): Promise<{ row: RunRow; threadCreated: boolean; budget: number | null; spent: number; context: RunContext }> {
  // The text SQLite's default would write (strftime '%Y-%m-%dT%H:%M:%fZ'), so the row needs no read-back.
  const createdAt = new Date().toISOString()
  const insert = runInsertStatement(db, { ...run, createdAt, month: createdAt.slice(0, 7) })
  let threadCreated = false
  let result: D1Result<CreationRow>
  if (newThread) {
    const [made, inserted] = await db.$client.batch<unknown>([threadInsertStatement(db, newThread), insert])
    threadCreated = (made?.meta.changes ?? 0) > 0
    result = inserted as D1Result<CreationRow>
  } else {
    result = await insert.all<CreationRow>()
  }
  const created = result.results[0]
  if (!created) throw new Error('run insert returned no row')
  const row: RunRow = { ...RUN_DEFAULTS, ...run, number: created.number, createdAt }
  runRefs.set(row.id, refOf(row))
  return { row, threadCreated, budget: created.budget, spent: created.budget === null ? 0 : created.spent, context: runContextOf(created) }
}

/** What the insert's RETURNING gives, by alias. */
interface CreationRow {
  number: number
  budget: number | null
  spent: number
  granted: string | null
  search: number
  hooks: number
}

const placeholders = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, sql.placeholder(k)])) as unknown as Record<K, Placeholder>
/** A placeholder as SQL, for plain values (text, integer, real): bound as given, without a column encoder. */
const bound = (name: string) => sql`${sql.placeholder(name)}`

/**
 * Creation's run insert. Its RETURNING reads the org's budget and month's spend and the run's context.
 * `"runs".` is spelled out in the subqueries: a bare org_id there would mean the subquery's own.
 */
const runInsertStatement = prebuilt((db) =>
  db
    .insert(runs)
    .values(placeholders([...RUN_INSERT_KEYS, 'createdAt']) as unknown as NewRun)
    .returning({
      number: runs.number,
      budget: sql<number | null>`(SELECT o.monthly_budget_usd FROM organizations o WHERE o.id = "runs"."org_id")`.as('budget'),
      spent: monthSpendColumn(sql`"runs"."org_id"`, bound('month')).as('spent'),
      granted: grantedServicesColumn(sql`"runs"."agent_id"`).as('granted'),
      search: hasSearchSettingsColumn(sql`"runs"."org_id"`).as('search'),
      hooks: hasEnabledEndpointColumn(sql`"runs"."org_id"`).as('hooks'),
    })
    .toSQL(),
)

const threadInsertStatement = prebuilt((db) =>
  db
    .insert(threads)
    .values(placeholders(['id', 'orgId', 'agentId', 'createdBy', 'status'] as const) as unknown as typeof threads.$inferInsert)
    .onConflictDoNothing()
    .toSQL(),
)

/**
 * What a run's loop and outbox would otherwise read from D1 as it starts and ends, read in its
 * creation statement instead (no round trip of its own): the services with a credential granted to
 * the agent, whether the org set a search provider, and whether it has an enabled webhook endpoint.
 */
export interface RunContext {
  granted_services: string[]
  org_search: boolean
  org_hooks: boolean
}

const runContextOf = (r: { granted: string | null; search: number; hooks: number }): RunContext => ({
  granted_services: servicesOf(r.granted),
  org_search: Boolean(r.search),
  org_hooks: Boolean(r.hooks),
})

/** Takes back a run just inserted (and the thread it created): its org's budget was already spent. */
export async function uninsertRun(db: Db, runId: string, createdThreadId: string | null): Promise<void> {
  runRefs.delete(runId)
  await db.batch([db.delete(runs).where(eq(runs.id, runId)), db.delete(threads).where(createdThreadId ? eq(threads.id, createdThreadId) : sql`0`)])
}

export async function deleteRun(db: Db, runId: string): Promise<void> {
  runRefs.delete(runId)
  await db.delete(runs).where(eq(runs.id, runId))
}

/** A run of the org, or 404. */
export async function getRun(db: Db, orgId: number, runId: string): Promise<RunRow> {
  const row = await db
    .select()
    .from(runs)
    .where(and(eq(runs.orgId, orgId), eq(runs.id, runId)))
    .get()
  if (!row) throw ApiError.notFound('Run')
  return row
}

/** The fixed fields of a run of the org (RunRef), from memory when this isolate has them; else as getRun. */
export async function getRunRef(db: Db, orgId: number, runId: string): Promise<RunRef> {
  const hit = runRefs.get(runId)
  if (hit?.orgId === orgId) return hit
  const ref = refOf(await getRun(db, orgId, runId))
  runRefs.set(runId, ref)
  return ref
}

/** By the integer id the Codegen dialect shows. */
export async function getRunByNumber(db: Db, orgId: number, number: number): Promise<RunRow> {
  const row = await db
    .select()
    .from(runs)
    .where(and(eq(runs.orgId, orgId), eq(runs.number, number)))
    .get()
  if (!row) throw ApiError.notFound('Agent run')
  return row
}

export interface RunFilter {
  agentId?: string
  status?: string
  channels?: string[]
  createdBy?: number
}

/** Newest first, with the total for paging. */
export async function listRuns(db: Db, orgId: number, filter: RunFilter, limit: number, offset: number) {
  const conds: (SQL | undefined)[] = [
    eq(runs.orgId, orgId),
    filter.agentId ? eq(runs.agentId, filter.agentId) : undefined,
    filter.status ? eq(runs.status, filter.status) : undefined,
    filter.channels ? inArray(runs.channel, filter.channels) : undefined,
    filter.createdBy !== undefined ? eq(runs.createdBy, filter.createdBy) : undefined,
  ]
  return paged(db, runs, and(...conds), [desc(runs.createdAt), desc(runs.number)], limit, offset)
}

export async function listThreadRuns(db: Db, threadId: string, limit: number): Promise<RunRow[]> {
  return db.select().from(runs).where(eq(runs.threadId, threadId)).orderBy(desc(runs.createdAt), desc(runs.number)).limit(limit)
}

/** A thread in one of the user's orgs, or 404 (another org's thread does not exist for them). */
/** A turn (run) of a session the user can see, in one query; 404 names what is missing. */
export async function getTurnForUser(db: Db, userId: number, threadId: string, runId: string): Promise<RunRow> {
  const row = await db
    .select({ thread: threads.id, run: runs })
    .from(threads)
    .innerJoin(memberships, and(eq(memberships.orgId, threads.orgId), eq(memberships.userId, userId)))
    .leftJoin(runs, and(eq(runs.id, runId), eq(runs.threadId, threads.id), eq(runs.orgId, threads.orgId)))
    .where(eq(threads.id, threadId))
    .get()
  if (!row) throw ApiError.notFound('Session')
  if (!row.run) throw ApiError.notFound('Turn')
  return row.run
}

export async function getThreadForUser(db: Db, userId: number, threadId: string): Promise<ThreadRow> {
  const row = await db
    .select({ thread: threads })
    .from(threads)
    .innerJoin(memberships, and(eq(memberships.orgId, threads.orgId), eq(memberships.userId, userId)))
    .where(eq(threads.id, threadId))
    .get()
  if (!row) throw ApiError.notFound('Session')
  return row.thread
}

/**
 * The run's one D1 write per state change, and its schedule's last status in the same batch. Each
 * lands only when its snapshot is newer (`last_seq`) than what the row holds: two writes of one run
 * in flight at once may arrive in either order, and the older one then changes nothing.
 */
export async function syncRun(db: Db, s: RunSnapshot, scheduleId: string | null, thread: ThreadMirror | null = null): Promise<void> {
  const statements = [runSyncStatement(db, { ...syncValues(s), id: s.run_id, seq: s.last_seq })]
  if (scheduleId) statements.push(scheduleSyncStatement(db, { status: s.status, scheduleId, runId: s.run_id, seq: s.last_seq }))
  if (thread) statements.push(threadMirrorStatement(db, mirrorValues(thread)))
  if (statements.length === 1) await statements[0]?.run()
  else await db.$client.batch(statements)
}

const syncValues = (s: RunSnapshot): Record<(typeof SYNC_KEYS)[number], string | number | null> => ({
  status: s.status,
  output: s.output,
  errorCode: s.error?.code ?? null,
  errorMessage: s.error?.message ?? null,
  startedAt: s.started_at,
  endedAt: s.ended_at,
  timeToFirstTokenMs: s.time_to_first_token_ms,
  promptTokens: s.usage.prompt_tokens,
  completionTokens: s.usage.completion_tokens,
  totalTokens: s.usage.total_tokens,
  costPrompt: s.costs.prompt,
  costCompletion: s.costs.completion,
  costServices: s.costs.services,
  costTotal: s.costs.total,
  currency: s.costs.currency,
})

/** The columns a run's state change writes (plain text, integer and real ones: each binds as given). */
const SYNC_KEYS = [
  'status',
  'output',
  'errorCode',
  'errorMessage',
  'startedAt',
  'endedAt',
  'timeToFirstTokenMs',
  'promptTokens',
  'completionTokens',
  'totalTokens',
  'costPrompt',
  'costCompletion',
  'costServices',
  'costTotal',
  'currency',
] as const satisfies readonly (keyof NewRun)[]

const runSyncStatement = prebuilt((db) =>
  db
    .update(runs)
    .set({ ...Object.fromEntries(SYNC_KEYS.map((k) => [k, bound(k)])), syncedSeq: bound('seq') })
    .where(and(eq(runs.id, bound('id')), lt(runs.syncedSeq, bound('seq'))))
    .toSQL(),
)

/** A schedule's last status follows its last run only, and only the write the run's row took (same batch, just before). */
const scheduleSyncStatement = prebuilt((db) =>
  db
    .update(schedules)
    .set({ lastStatus: bound('status') })
    .where(and(eq(schedules.id, bound('scheduleId')), eq(schedules.lastRunId, bound('runId')), sql`(SELECT r.synced_seq FROM runs r WHERE r.id = ${bound('runId')}) = ${bound('seq')}`))
    .toSQL(),
)

/** Runs D1 still shows as pending/running although created before `cutoff` (the sweeper's work), with the status D1 shows. */
export async function stuckRuns(db: Db, cutoff: string, limit: number): Promise<{ id: string; status: 'pending' | 'running' }[]> {
  const rows = await db
    .select({ id: runs.id, status: runs.status })
    .from(runs)
    .where(and(inArray(runs.status, ['pending', 'running']), lt(runs.createdAt, cutoff)))
    .orderBy(asc(runs.createdAt))
    .limit(limit)
  return rows.map((r) => ({ id: r.id, status: r.status === 'running' ? 'running' : 'pending' }))
}

/** A run recorded in D1 that never reached its Durable Object. */
export async function markRunLost(db: Db, runId: string, at: string): Promise<void> {
  await db.update(runs).set({ status: 'error', errorCode: 'lost', errorMessage: 'The run was recorded but never reached its Durable Object', endedAt: at }).where(eq(runs.id, runId))
}

/** Finished runs older than their org's `retention_days`, oldest first. */
export async function expiredRunIds(db: Db, at: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: runs.id })
    .from(runs)
    .innerJoin(organizations, eq(organizations.id, runs.orgId))
    .where(and(isNotNull(runs.endedAt), sql`${runs.endedAt} < strftime('%Y-%m-%dT%H:%M:%fZ', ${at}, '-' || ${organizations.retentionDays} || ' days')`))
    .orderBy(asc(runs.endedAt))
    .limit(limit)
  return rows.map((r) => r.id)
}

/** Deletes runs and their webhook deliveries; D1 allows 100 bound parameters per statement. */
export async function deleteRunsWithDeliveries(db: Db, ids: string[]): Promise<void> {
  for (const id of ids) runRefs.delete(id)
  for (let i = 0; i < ids.length; i += 90) {
    const chunk = ids.slice(i, i + 90)
    await db.batch([db.delete(webhookDeliveries).where(inArray(webhookDeliveries.runId, chunk)), db.delete(runs).where(inArray(runs.id, chunk))])
  }
}

/** ThreadObject's state mirrored in its D1 row (searchable by status and values), unless the row already shows a newer one (ThreadMirror.version). */
export async function mirrorThread(db: Db, mirror: ThreadMirror): Promise<void> {
  await threadMirrorStatement(db, mirrorValues(mirror)).run()
}

const mirrorValues = (m: ThreadMirror) => ({ threadId: m.thread_id, status: m.status, values: JSON.stringify({ output: m.last_output }), updatedAt: new Date().toISOString(), version: m.version })

const threadMirrorStatement = prebuilt((db) =>
  db
    .update(threads)
    .set({ status: bound('status'), values: bound('values'), updatedAt: bound('updatedAt'), mirrorVersion: bound('version') })
    .where(and(eq(threads.id, bound('threadId')), lt(threads.mirrorVersion, bound('version'))))
    .toSQL(),
)

export async function deleteThread(db: Db, threadId: string): Promise<void> {
  await db.delete(threads).where(eq(threads.id, threadId))
}

/** The org's interrupted runs, newest first (integration-connect waiters are among them). */
export async function listInterruptedRuns(db: Db, orgId: number, limit: number): Promise<string[]> {
  const rows = await db
    .select({ id: runs.id })
    .from(runs)
    .where(and(eq(runs.orgId, orgId), eq(runs.status, 'interrupted')))
    .orderBy(desc(runs.createdAt))
    .limit(limit)
  return rows.map((r) => r.id)
}
