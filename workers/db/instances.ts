import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../app-env'
import { paged } from './paged'
import { runs } from './schema'

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
 * other runs; only `search` (a substring of the name) scans within the agent.
 */
export async function listInstances(db: Db, q: InstanceQuery) {
  const conds: (SQL | undefined)[] = [
    eq(runs.agentId, q.agentId),
    q.version !== undefined ? eq(runs.agentVersion, q.version) : undefined,
    q.userIdentifier !== undefined ? eq(runs.userIdentifier, q.userIdentifier) : undefined,
    q.groupIdentifier !== undefined ? eq(runs.groupIdentifier, q.groupIdentifier) : undefined,
    // instr, not LIKE: D1 refuses LIKE patterns over 50 bytes, and `%`/`_` stay literal.
    q.search ? sql`instr(lower(${runs.name}), lower(${q.search})) > 0` : undefined,
  ]
  const order = q.ascending ? [asc(runs.createdAt), asc(runs.number)] : [desc(runs.createdAt), desc(runs.number)]
  return paged(db, runs, and(...conds), order, q.limit, q.offset)
}
