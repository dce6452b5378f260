import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import type { JsonObject } from '../runs/types'
import { agents, runs, threads } from './schema'

/** Every key of `filter` must equal the JSON field of that name (ACP metadata/values filters). */
const jsonMatches = (column: typeof threads.metadata | typeof threads.values | typeof runs.metadata, filter: Record<string, unknown> | undefined): SQL[] =>
  Object.entries(filter ?? {}).map(([k, v]) => sql`json_extract(${column}, ${`$."${k.replace(/"/g, '')}"`}) = json_extract(${JSON.stringify({ v })}, '$.v')`)

export async function searchAgents(db: Db, orgId: number, q: { name?: string; version?: string; limit: number; offset: number }) {
  const version = q.version ? Number(/^(\d+)/.exec(q.version)?.[1] ?? Number.NaN) : undefined
  return db
    .select()
    .from(agents)
    .where(
      and(
        eq(agents.orgId, orgId),
        isNull(agents.deletedAt),
        // Equality, case-insensitive like the LIKE it replaces: D1 refuses LIKE patterns over 50 bytes.
        q.name ? or(eq(agents.code, q.name), sql`lower(${agents.name}) = lower(${q.name})`) : undefined,
        version !== undefined ? eq(agents.version, version) : undefined,
      ),
    )
    .orderBy(asc(agents.createdAt), asc(agents.id))
    .limit(q.limit)
    .offset(q.offset)
}

export async function getThread(db: Db, orgId: number, threadId: string) {
  const row = await db
    .select()
    .from(threads)
    .where(and(eq(threads.orgId, orgId), eq(threads.id, threadId)))
    .get()
  if (!row) throw ApiError.notFound('Thread')
  return row
}

export async function findThread(db: Db, threadId: string) {
  return db.select({ orgId: threads.orgId }).from(threads).where(eq(threads.id, threadId)).get()
}

/** Inserts the thread, or answers undefined when its id exists (a concurrent create won). */
export async function insertThread(db: Db, row: typeof threads.$inferInsert) {
  const [created] = await db.insert(threads).values(row).onConflictDoNothing().returning()
  return created
}

export async function setThreadMetadata(db: Db, threadId: string, metadata: JsonObject) {
  const [row] = await db.update(threads).set({ metadata, updatedAt: new Date().toISOString() }).where(eq(threads.id, threadId)).returning()
  if (!row) throw ApiError.notFound('Thread')
  return row
}

export async function searchThreads(db: Db, orgId: number, q: { metadata?: Record<string, unknown>; values?: Record<string, unknown>; status?: string; limit: number; offset: number }) {
  return db
    .select()
    .from(threads)
    .where(and(eq(threads.orgId, orgId), q.status ? eq(threads.status, q.status as 'idle') : undefined, ...jsonMatches(threads.metadata, q.metadata), ...jsonMatches(threads.values, q.values)))
    .orderBy(desc(threads.createdAt), desc(threads.id))
    .limit(q.limit)
    .offset(q.offset)
}

/** Stateless ACP runs of the org. */
export async function searchStatelessRuns(db: Db, orgId: number, q: { agent_id?: string; statuses?: string[]; metadata?: Record<string, unknown>; tags?: string[]; limit: number; offset: number }) {
  return db
    .select()
    .from(runs)
    .where(
      and(
        eq(runs.orgId, orgId),
        eq(runs.channel, 'acp'),
        eq(runs.stateless, true),
        q.agent_id ? eq(runs.agentId, q.agent_id) : undefined,
        q.statuses ? inArray(runs.status, q.statuses) : undefined,
        ...jsonMatches(runs.metadata, q.metadata),
        ...(q.tags ?? []).map((tag) => sql`exists (select 1 from json_each(${runs.creation}, '$.config.tags') where value = ${tag})`),
      ),
    )
    .orderBy(desc(runs.createdAt), desc(runs.number))
    .limit(q.limit)
    .offset(q.offset)
}
