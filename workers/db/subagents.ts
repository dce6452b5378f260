import { and, asc, eq } from 'drizzle-orm'
import type { Db } from '../app-env'
import { subagentRuns } from './schema'

export type SubagentRow = typeof subagentRuns.$inferSelect

/** Records children; a row that exists already (a re-run call) is kept as it was. */
export async function insertChildren(db: Db, rows: (typeof subagentRuns.$inferInsert)[]): Promise<void> {
  if (rows.length) await db.insert(subagentRuns).values(rows).onConflictDoNothing()
}

export function childrenOfCall(db: Db, parentRunId: string, toolCallId: string): Promise<SubagentRow[]> {
  return db
    .select()
    .from(subagentRuns)
    .where(and(eq(subagentRuns.parentRunId, parentRunId), eq(subagentRuns.toolCallId, toolCallId)))
    .orderBy(asc(subagentRuns.idx))
}

export function childrenOf(db: Db, parentRunId: string): Promise<SubagentRow[]> {
  return db.select().from(subagentRuns).where(eq(subagentRuns.parentRunId, parentRunId))
}
