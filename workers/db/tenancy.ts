import { and, count, eq, isNull, sql } from 'drizzle-orm'
import type { Db, Principal } from '../app-env'
import { ApiError } from '../errors'
import { newApiKey, sha256Hex } from '../lib/crypto'
import { systemAgentInserts } from './agents'
import { apiKeys, memberships, organizations, users } from './schema'

export type Organization = typeof organizations.$inferSelect
export type User = typeof users.$inferSelect

export async function findPrincipalByKey(db: Db, key: string): Promise<Principal | undefined> {
  const row = await db
    .select({ userId: apiKeys.userId, apiKeyId: apiKeys.id, rateLimitPerMinute: apiKeys.rateLimitPerMinute })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, await sha256Hex(key)), isNull(apiKeys.revokedAt)))
    .get()
  return row
}

/** The org as seen by a member (with its rate-limit override), or undefined for a non-member. */
export async function memberOrg(db: Db, userId: number, orgId: number): Promise<{ rateLimitPerMinute: number | null; role: 'owner' | 'member' } | undefined> {
  return db
    .select({ rateLimitPerMinute: organizations.rateLimitPerMinute, role: memberships.role })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.userId, userId), eq(memberships.orgId, orgId)))
    .get()
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
 * The org's monthly budget and what its runs created this month (UTC) cost; the sum only when
 * budgeted. `organizations.id` is spelled out: drizzle leaves columns unqualified in a one-table
 * select, and inside the subquery a bare "id" would mean runs.id.
 */
export async function monthBudget(db: Db, orgId: number, now = new Date(), alwaysSum = false): Promise<{ budget: number | null; spent: number; since: string }> {
  const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1)).toISOString()
  const row = await db
    .select({
      budget: organizations.monthlyBudgetUsd,
      spent: sql<number>`CASE WHEN ${organizations.monthlyBudgetUsd} IS NULL AND ${alwaysSum ? 0 : 1} THEN 0 ELSE
        (SELECT coalesce(sum(r.cost_total), 0) FROM runs r WHERE r.org_id = organizations.id AND r.created_at >= ${since}) END`,
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
  return org
}
