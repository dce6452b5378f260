import { and, asc, count, desc, eq, sql, sum, type SQL } from 'drizzle-orm'
import type { Db } from '../app-env'
import type { Page } from './paged'
import { agentRunCounts, runs } from './schema'

export interface InstanceQuery {
  agentId: string
  version?: number
  userIdentifier?: string
  groupIdentifier?: string
  search?: string
  ascending: boolean
  limit: number
  offset: number
}

/**
 * A page of an agent's runs. Every filter combination is served by an index that starts with
 * agent_id and ends with created_at (version / user / group), so a page does not scan the agent's
 * other runs; only `search` (a substring of the name) scans within the agent. Without a user, group
 * or search filter the total is read from agent_run_counts (trigger-kept), not counted.
 */
export async function listInstances(db: Db, q: InstanceQuery): Promise<Page<typeof runs.$inferSelect>> {
  const conds: (SQL | undefined)[] = [
    eq(runs.agentId, q.agentId),
    q.version !== undefined ? eq(runs.agentVersion, q.version) : undefined,
    q.userIdentifier !== undefined ? eq(runs.userIdentifier, q.userIdentifier) : undefined,
    q.groupIdentifier !== undefined ? eq(runs.groupIdentifier, q.groupIdentifier) : undefined,
    // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes, and `%`/`_` stay literal.
    q.search ? sql`instr(lower(${runs.name}), lower(${q.search})) > 0` : undefined,
  ]
  const order = q.ascending ? [asc(runs.createdAt), asc(runs.number)] : [desc(runs.createdAt), desc(runs.number)]
  const where = and(...conds)
  const counted = q.userIdentifier === undefined && q.groupIdentifier === undefined && !q.search
  const [items, [total]] = await db.batch([
    db
      .select()
      .from(runs)
      .where(where)
      .orderBy(...order)
      .limit(q.limit)
      .offset(q.offset),
    counted
      ? db
          .select({ n: sql<number>`coalesce(${sum(agentRunCounts.runs)}, 0)` })
          .from(agentRunCounts)
          .where(and(eq(agentRunCounts.agentId, q.agentId), q.version !== undefined ? eq(agentRunCounts.agentVersion, q.version) : undefined))
      : db.select({ n: count() }).from(runs).where(where),
  ])
  return { items, total: Number(total?.n ?? 0) }
}
