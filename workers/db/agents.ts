import { and, asc, desc, eq, isNull, sql, type SQL } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { TtlCache } from '../lib/ttl-cache'
import { isUniqueViolation } from './errors'
import { paged } from './paged'
import { agents, agentVersions, memberships, organizations } from './schema'

export type AgentRow = typeof agents.$inferSelect

const nowIso = () => new Date().toISOString()

const SYSTEM_AGENT = {
  code: 'system',
  name: 'Assistant',
  description: 'The organization’s built-in assistant. Read-only.',
  systemPrompt: 'You are agentplane’s built-in assistant. Answer clearly and concisely.',
}

/** Copies the agent's current profile into agent_versions: what a run pins. */
const snapshotVersion = (db: Db, agentId: string) =>
  db.insert(agentVersions).select(
    db
      .select({
        agentId: agents.id,
        version: agents.version,
        name: agents.name,
        systemPrompt: agents.systemPrompt,
        model: agents.model,
        connectors: agents.connectors,
        createdAt: agents.updatedAt,
      })
      .from(agents)
      .where(eq(agents.id, agentId)),
  )

/**
 * The system agent of an org (a no-op when it exists: one per org by a unique index).
 * `orgId` may be SQL such as last_insert_rowid() so this batches after the org insert.
 */
export function systemAgentInserts(db: Db, orgId: SQL | number, model: string) {
  const id = crypto.randomUUID()
  const s = SYSTEM_AGENT
  return [
    db.insert(agents).values({ id, orgId, kind: 'system', code: s.code, name: s.name, description: s.description, systemPrompt: s.systemPrompt, model }).onConflictDoNothing(),
    snapshotVersion(db, id),
  ] as const
}

const live = (orgId: number) => and(eq(agents.orgId, orgId), isNull(agents.deletedAt))

export async function listAgents(db: Db, orgId: number, limit: number, offset: number) {
  return paged(db, agents, live(orgId), [desc(sql`${agents.kind} = 'system'`), asc(agents.createdAt), asc(agents.id)], limit, offset)
}

/** A live agent of the org, or 404 (another org's agent is indistinguishable from none). */
export async function getAgent(db: Db, orgId: number, agentId: string): Promise<AgentRow> {
  const row = await db
    .select()
    .from(agents)
    .where(and(live(orgId), eq(agents.id, agentId)))
    .get()
  if (!row) throw ApiError.notFound('Agent')
  return row
}

export async function getSystemAgent(db: Db, orgId: number): Promise<AgentRow> {
  const row = await db
    .select()
    .from(agents)
    .where(and(live(orgId), eq(agents.kind, 'system')))
    .get()
  if (!row) throw ApiError.notFound('System agent')
  return row
}

/** A live agent of the org by its code (codes are unique per org among live agents). */
export function findAgentByCode(db: Db, orgId: number, code: string): Promise<AgentRow | undefined> {
  return db
    .select()
    .from(agents)
    .where(and(live(orgId), eq(agents.code, code)))
    .get()
}

/** The named agent, or the org's system agent when none is named (every dialect's default). */
export const agentOrSystem = (db: Db, orgId: number, agentId?: string | null): Promise<AgentRow> => (agentId ? getAgent(db, orgId, agentId) : getSystemAgent(db, orgId))

/**
 * The agent a new run pins, per isolate for AGENT_CACHE_MS: run creation is the hot path and the
 * agent its one read besides the insert batch. An edit in this isolate clears it at once (as does a
 * membership change, via forgetAgents); one made elsewhere reaches new runs within the bound. A run
 * records the version it got, so a stale hit is still a consistent run. Misses (404s) are not cached.
 */
export const AGENT_CACHE_MS = 5_000
const runAgents = new TtlCache<AgentRow>(AGENT_CACHE_MS)

export function forgetAgents(): void {
  runAgents.clear()
}

const cachedAgent = async (key: string, load: () => Promise<AgentRow>): Promise<AgentRow> => {
  const row = await runAgents.getOrLoad(key, load)
  if (!row) throw new Error('agent load returned nothing') // load throws its 404 instead
  return row
}

/** agentOrSystem, cached for run creation. */
export const agentForRun = (db: Db, orgId: number, agentId?: string | null): Promise<AgentRow> => cachedAgent(`o${orgId}:${agentId ?? ''}`, () => agentOrSystem(db, orgId, agentId))

/** findAgentForUser / findSystemAgentForUser, cached for run creation. */
export const userAgentForRun = (db: Db, userId: number, agentId?: string, orgId?: number): Promise<AgentRow> =>
  cachedAgent(`u${userId}:${agentId ?? ''}:${orgId ?? ''}`, () => (agentId ? findAgentForUser(db, userId, agentId) : findSystemAgentForUser(db, userId, orgId)))

/** A mutable (custom) agent, or 400 for the system agent. */
export async function getCustomAgent(db: Db, orgId: number, agentId: string): Promise<AgentRow> {
  const row = await getAgent(db, orgId, agentId)
  if (row.kind === 'system') throw new ApiError('bad_request', 'The system agent is read-only')
  return row
}

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
}

/** The first free `base`, `base-2`, `base-3`… among the org's live agents. */
async function freeCode(db: Db, orgId: number, base: string): Promise<string> {
  const taken = new Set(
    (
      await db
        .select({ code: agents.code })
        .from(agents)
        .where(and(live(orgId), sql`substr(${agents.code}, 1, ${base.length}) = ${base}`))
    ).map((r) => r.code),
  )
  let code = base
  for (let n = 2; taken.has(code); n++) code = `${base}-${n}`
  return code
}

/** The profile fields a create or patch sets, in row names (the dialect maps its body to them). */
export type AgentProfile = Partial<Pick<typeof agents.$inferInsert, 'code' | 'name' | 'description' | 'systemPrompt' | 'avatarUrl' | 'model' | 'isEnabled'>>

export async function createAgent(db: Db, orgId: number, userId: number, input: AgentProfile & { name: string }, defaultModel: string): Promise<AgentRow> {
  const id = crypto.randomUUID()
  const code = input.code ?? (await freeCode(db, orgId, slugify(input.name) || 'agent'))
  try {
    const [[row]] = await db.batch([
      db
        .insert(agents)
        .values({
          id,
          orgId,
          kind: 'custom',
          code,
          name: input.name,
          description: input.description ?? null,
          systemPrompt: input.systemPrompt ?? null,
          avatarUrl: input.avatarUrl ?? null,
          model: input.model ?? defaultModel,
          isEnabled: input.isEnabled ?? true,
          createdBy: userId,
        })
        .returning(),
      snapshotVersion(db, id),
    ])
    if (!row) throw new Error('agent insert returned no row')
    return row
  } catch (err) {
    if (isUniqueViolation(err)) throw ApiError.invalid(['body', 'code'], `code "${code}" is already used by another agent`, 'unique')
    throw err
  }
}

type ProfileChange = Partial<Pick<AgentRow, 'name' | 'description' | 'systemPrompt' | 'avatarUrl' | 'model' | 'connectors'>>

/**
 * Applies a change; a change to the profile bumps `version` and snapshots it, in one batch.
 * The update is conditional on the version read, so a concurrent edit fails (409) instead of
 * silently overwriting a snapshot.
 */
async function applyChange(db: Db, current: AgentRow, change: ProfileChange, isEnabled?: boolean): Promise<AgentRow> {
  const changed = (Object.keys(change) as (keyof ProfileChange)[]).some((k) => JSON.stringify(change[k]) !== JSON.stringify(current[k]))
  const set = { ...change, ...(isEnabled === undefined ? {} : { isEnabled }), updatedAt: nowIso() }
  const where = and(eq(agents.id, current.id), eq(agents.version, current.version), isNull(agents.deletedAt))
  try {
    if (!changed) {
      const [row] = await db.update(agents).set(set).where(where).returning()
      if (!row) throw new ApiError('conflict', 'The agent was changed concurrently; retry')
      return row
    }
    const [[row]] = await db.batch([
      db
        .update(agents)
        .set({ ...set, version: current.version + 1 })
        .where(where)
        .returning(),
      snapshotVersion(db, current.id),
    ])
    if (!row) throw new ApiError('conflict', 'The agent was changed concurrently; retry')
    return row
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError('conflict', 'The agent was changed concurrently; retry')
    throw err
  } finally {
    // After the write: a run created meanwhile cannot put the old row back.
    forgetAgents()
  }
}

export function patchAgent(db: Db, current: AgentRow, patch: AgentProfile): Promise<AgentRow> {
  const change: ProfileChange = {}
  if (patch.name !== undefined) change.name = patch.name
  if (patch.description !== undefined) change.description = patch.description
  if (patch.systemPrompt !== undefined) change.systemPrompt = patch.systemPrompt
  if (patch.avatarUrl !== undefined) change.avatarUrl = patch.avatarUrl
  if (patch.model !== undefined) change.model = patch.model
  return applyChange(db, current, change, patch.isEnabled)
}

export function setConnectors(db: Db, current: AgentRow, keys: string[]): Promise<AgentRow> {
  return applyChange(db, current, { connectors: [...new Set(keys)] })
}

export async function softDeleteAgent(db: Db, agent: AgentRow): Promise<void> {
  await db.update(agents).set({ deletedAt: nowIso(), updatedAt: nowIso() }).where(eq(agents.id, agent.id))
  forgetAgents()
}

/** A live agent in any org the user belongs to, or 404. */
export async function findAgentForUser(db: Db, userId: number, agentId: string): Promise<AgentRow> {
  const row = await db
    .select({ agent: agents })
    .from(agents)
    .innerJoin(memberships, and(eq(memberships.orgId, agents.orgId), eq(memberships.userId, userId)))
    .where(and(eq(agents.id, agentId), isNull(agents.deletedAt)))
    .get()
  if (!row) throw ApiError.notFound('Agent')
  return row.agent
}

/**
 * The system agent of the caller's organization in one query: `orgId` when given (403 unless a
 * member), else the caller's only organization (422 when there are several or none).
 */
export async function findSystemAgentForUser(db: Db, userId: number, orgId?: number): Promise<AgentRow> {
  const rows = await db
    .select({ agent: agents })
    .from(agents)
    .innerJoin(memberships, and(eq(memberships.orgId, agents.orgId), eq(memberships.userId, userId)))
    .where(and(eq(agents.kind, 'system'), isNull(agents.deletedAt), orgId === undefined ? undefined : eq(agents.orgId, orgId)))
    .limit(2)
  const only = rows[0]
  if (rows.length === 1 && only) return only.agent
  if (orgId !== undefined) throw new ApiError('forbidden', 'Not a member of this organization')
  throw ApiError.invalid(['body', 'org_id'], rows.length === 0 ? 'The key belongs to no organization' : 'Several organizations: say which with org_id or agent_id')
}

/** Live agents with this code in the user's organizations (at most 2: enough to see ambiguity). */
export async function findAgentsByCodeForUser(db: Db, userId: number, code: string, orgId?: number) {
  return db
    .select({ agent: agents, orgRateLimit: organizations.rateLimitPerMinute })
    .from(agents)
    .innerJoin(memberships, and(eq(memberships.orgId, agents.orgId), eq(memberships.userId, userId)))
    .innerJoin(organizations, eq(organizations.id, agents.orgId))
    .where(and(eq(agents.code, code), isNull(agents.deletedAt), orgId === undefined ? undefined : eq(agents.orgId, orgId)))
    .limit(2)
}
