import { and, desc, eq, inArray, type SQL } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { paged } from './paged'
import { memberships, runs, threads } from './schema'

export type RunRow = typeof runs.$inferSelect
export type NewRun = typeof runs.$inferInsert
export type ThreadRow = typeof threads.$inferSelect

/** Inserts the run, and the thread it starts when given, in one D1 batch. */
/**
 * Inserts the run, and its new thread in the same batch. `threadCreated` is false when the thread id
 * was taken meanwhile (a concurrent first run of the same new thread): the caller admits it instead.
 */
export async function insertRun(db: Db, run: NewRun, newThread?: typeof threads.$inferInsert): Promise<{ row: RunRow; threadCreated: boolean }> {
  const insert = db.insert(runs).values(run).returning()
  if (!newThread) {
    const [row] = await insert
    if (!row) throw new Error('run insert returned no row')
    return { row, threadCreated: false }
  }
  const [made, [row]] = await db.batch([db.insert(threads).values(newThread).onConflictDoNothing().returning({ orgId: threads.orgId }), insert])
  if (!row) throw new Error('run insert returned no row')
  return { row, threadCreated: made.length > 0 }
}

export async function deleteRun(db: Db, runId: string): Promise<void> {
  await db.delete(runs).where(eq(runs.id, runId))
}

/** A run of the org, or 404. */
export async function getRun(db: Db, orgId: number, runId: string): Promise<RunRow> {
  const row = await db.select().from(runs).where(and(eq(runs.orgId, orgId), eq(runs.id, runId))).get()
  if (!row) throw ApiError.notFound('Run')
  return row
}

/** By the integer id the Codegen dialect shows. */
export async function getRunByNumber(db: Db, orgId: number, number: number): Promise<RunRow> {
  const row = await db.select().from(runs).where(and(eq(runs.orgId, orgId), eq(runs.number, number))).get()
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
