import { and, count, eq, isNull, type SQL, sql } from 'drizzle-orm'
import type { Db, Principal } from '../app-env'
import { ApiError } from '../errors'
import { newApiKey, sha256Hex } from '../lib/crypto'
import { TtlCache } from '../lib/ttl-cache'
import { forgetAgents, systemAgentInserts } from './agents'
import { apiKeys, memberships, organizations, users } from './schema'

export type Organization = typeof organizations.$inferSelect
export type User = typeof users.$inferSelect

/**
 * Every request reads its key and the caller's membership: both are cached per isolate for
 * AUTH_CACHE_MS, so a revoked key or a changed membership takes effect within that bound (at once in
 * the isolate that made the change). Misses are not cached: a new key works on its first request.
 */
export const AUTH_CACHE_MS = 5_000
const principals = new TtlCache<Principal>(AUTH_CACHE_MS)
const members = new TtlCache<Member>(AUTH_CACHE_MS)
const soleOrgs = new TtlCache<{ total: number; onlyId: number | null }>(AUTH_CACHE_MS)

export async function findPrincipalByKey(db: Db, key: string): Promise<Principal | undefined> {
  const hash = await sha256Hex(key)
  return principals.getOrLoad(hash, () =>
    db
      .select({ userId: apiKeys.userId, apiKeyId: apiKeys.id, rateLimitPerMinute: apiKeys.rateLimitPerMinute })
      .from(apiKeys)
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)))
      .get(),
  )
}

export interface Member {
  rateLimitPerMinute: number | null
  role: 'owner' | 'member'
}

/** The org as seen by a member (with its rate-limit override), or undefined for a non-member. */
export async function memberOrg(db: Db, userId: number, orgId: number): Promise<Member | undefined> {
  return members.getOrLoad(`${userId}:${orgId}`, () =>
    db
      .select({ rateLimitPerMinute: organizations.rateLimitPerMinute, role: memberships.role })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)))
      .get(),
  )
}

/** How many organizations the user is in, and the id when exactly one (ACP and MCP pick it). */
export async function soleOrganization(db: Db, userId: number): Promise<{ total: number; onlyId: number | null }> {
  const found = await soleOrgs.getOrLoad(String(userId), async () => {
    const orgs = await listUserOrganizations(db, userId, 2, 0)
    return { total: orgs.total, onlyId: orgs.total === 1 ? (orgs.items[0]?.id ?? null) : null }
  })
  return found ?? { total: 0, onlyId: null }
}

/** Changes to keys, memberships or org limits: this isolate forgets what it cached at once. */
function forgetAuth(): void {
  forgetAgents() // run creation's cached agents were found through memberships
  principals.clear()
  members.clear()
  soleOrgs.clear()
}

/** The organization and its system agent, in one D1 batch (D1 runs a batch as one transaction). */
export async function createOrganization(db: Db, name: string, defaultModel: string): Promise<Organization> {
  const [[org]] = await db.batch([db.insert(organizations).values({ name }).returning(), ...systemAgentInserts(db, sql`last_insert_rowid()`, defaultModel)])
  if (!org) throw new Error('organization insert returned no row')
  return org
}

export async function getOrganization(db: Db, orgId: number): Promise<Organization | undefined> {
  return db.select().from(organizations).where(eq(organizations.id, orgId)).get()
}

export async function createUser(db: Db, email: string, name: string | null): Promise<User> {
  const [user] = await db.insert(users).values({ email, name }).onConflictDoNothing().returning()
  if (!user) throw new ApiError('conflict', 'A user with this email already exists')
  return user
}

export async function getUser(db: Db, userId: number): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.id, userId)).get()
}

export async function addMember(db: Db, orgId: number, userId: number, role: 'owner' | 'member'): Promise<void> {
  await db
    .insert(memberships)
    .values({ orgId, userId, role })
    .onConflictDoUpdate({ target: [memberships.orgId, memberships.userId], set: { role } })
  forgetAuth()
}

/** Returns the key once; only its hash is stored. */
export async function createApiKey(db: Db, userId: number, name: string, rateLimitPerMinute: number | null = null) {
  const key = newApiKey()
  const [row] = await db
    .insert(apiKeys)
    .values({ id: crypto.randomUUID(), userId, name, keyHash: await sha256Hex(key), prefix: key.slice(0, 7), rateLimitPerMinute })
    .returning({ id: apiKeys.id, name: apiKeys.name, prefix: apiKeys.prefix, created_at: apiKeys.createdAt })
  if (!row) throw new Error('api key insert returned no row')
  return { ...row, key }
}

export async function listUserOrganizations(db: Db, userId: number, limit: number, offset: number) {
  const where = eq(memberships.userId, userId)
  const [items, [total]] = await db.batch([
    db
      .select({ id: organizations.id, name: organizations.name, role: memberships.role, createdAt: organizations.createdAt })
      .from(memberships)
      .innerJoin(organizations, eq(organizations.id, memberships.orgId))
      .where(where)
      .orderBy(organizations.id)
      .limit(limit)
      .offset(offset),
    db.select({ n: count() }).from(memberships).where(where),
  ])
  return { items, total: total?.n ?? 0 }
}

export async function revokeApiKey(db: Db, keyId: string): Promise<void> {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: new Date().toISOString() })
    .where(and(eq(apiKeys.id, keyId), isNull(apiKeys.revokedAt)))
    .returning({ id: apiKeys.id })
  forgetAuth()
  if (!row) throw ApiError.notFound('API key')
}

export async function listOrgUsers(db: Db, orgId: number, limit: number, offset: number) {
  const where = eq(memberships.orgId, orgId)
  const [items, [total]] = await db.batch([
    db.select({ user: users, role: memberships.role }).from(memberships).innerJoin(users, eq(users.id, memberships.userId)).where(where).orderBy(users.id).limit(limit).offset(offset),
    db.select({ n: count() }).from(memberships).where(where),
  ])
  return { items, total: total?.n ?? 0 }
}

/** A member of the org, or 404. */
export async function getOrgUser(db: Db, orgId: number, userId: number) {
  const row = await db
    .select({ user: users, role: memberships.role })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, userId)))
    .get()
  if (!row) throw ApiError.notFound('User')
  return row
}

/**
 * An org's spend in a month (`YYYY-MM`, UTC) as a subquery: one row per org and month, kept by triggers
 * on runs (org_month_spend), so no sum over the month's runs. The caller spells out `orgId` as a
 * qualified column: inside the subquery a bare org_id would be its own.
 */
export const monthSpendColumn = (orgId: SQL, month: SQL | string) => sql<number>`coalesce((SELECT s.cost_total FROM org_month_spend s WHERE s.org_id = ${orgId} AND s.month = ${month}), 0)`

/** The org's monthly budget and what its runs created this month (UTC) cost; the spend only when budgeted, or `alwaysSum`. */
export async function monthBudget(db: Db, orgId: number, now = new Date(), alwaysSum = false): Promise<{ budget: number | null; spent: number; since: string }> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString()
  const row = await db
    .select({
      budget: organizations.monthlyBudgetUsd,
      spent: sql<number>`CASE WHEN ${organizations.monthlyBudgetUsd} IS NULL AND ${alwaysSum ? 0 : 1} THEN 0 ELSE ${monthSpendColumn(sql`organizations.id`, since.slice(0, 7))} END`,
    })
    .from(organizations)
    .where(eq(organizations.id, orgId))
    .get()
  return { budget: row?.budget ?? null, spent: row?.spent ?? 0, since }
}

export async function setOrganizationLimits(db: Db, orgId: number, change: Partial<Pick<Organization, 'rateLimitPerMinute' | 'monthlyBudgetUsd' | 'retentionDays'>>): Promise<Organization> {
  // An empty patch is a no-op that answers the org (drizzle refuses an empty SET).
  const [org] = Object.keys(change).length
    ? await db.update(organizations).set(change).where(eq(organizations.id, orgId)).returning()
    : await db.select().from(organizations).where(eq(organizations.id, orgId))
  if (!org) throw ApiError.notFound('Organization')
  forgetAuth() // the org's rate-limit override rides in the cached membership
  return org
}
