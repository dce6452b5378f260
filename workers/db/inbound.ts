import { and, desc, eq, gte, inArray, lt, lte, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { inboundEndpoints, inboundEvents } from './schema'

export type InboundEndpointRow = typeof inboundEndpoints.$inferSelect

/** One endpoint per credential: creating again rotates its token and secret. */
export async function upsertEndpoint(db: Db, row: Omit<InboundEndpointRow, 'createdAt'>): Promise<InboundEndpointRow> {
  const [saved] = await db
    .insert(inboundEndpoints)
    .values(row)
    .onConflictDoUpdate({
      target: inboundEndpoints.credentialId,
      set: { id: row.id, tokenHash: row.tokenHash, secretCiphertext: row.secretCiphertext, createdAt: sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))` },
    })
    .returning()
  if (!saved) throw new Error('inbound endpoint upsert returned no row')
  return saved
}

/** Removes a credential's endpoint; false when it had none. */
export async function deleteEndpoint(db: Db, orgId: number, credentialId: string): Promise<boolean> {
  const gone = await db
    .delete(inboundEndpoints)
    .where(and(eq(inboundEndpoints.orgId, orgId), eq(inboundEndpoints.credentialId, credentialId)))
    .returning({ id: inboundEndpoints.id })
  return gone.length > 0
}

/** The endpoint a /hooks/<token> URL names, by the token's SHA-256. */
export const endpointByTokenHash = (db: Db, tokenHash: string) => db.select().from(inboundEndpoints).where(eq(inboundEndpoints.tokenHash, tokenHash)).get()

/** Journals one verified delivery. */
export async function insertEvent(db: Db, e: { orgId: number; credentialId: string; service: string; type: string; payload: string }): Promise<string> {
  const id = crypto.randomUUID()
  await db.insert(inboundEvents).values({ id, ...e })
  return id
}

export interface EventFilter {
  credentialIds: string[]
  service?: string | undefined
  type?: string | undefined
  since?: string | undefined
  until?: string | undefined
  limit: number
}

/** Newest first, only the given credentials' events. */
export async function queryEvents(db: Db, orgId: number, f: EventFilter) {
  if (f.credentialIds.length === 0) return []
  return db
    .select()
    .from(inboundEvents)
    .where(
      and(
        eq(inboundEvents.orgId, orgId),
        inArray(inboundEvents.credentialId, f.credentialIds),
        f.service ? eq(inboundEvents.service, f.service) : undefined,
        f.type ? eq(inboundEvents.type, f.type) : undefined,
        f.since ? gte(inboundEvents.receivedAt, f.since) : undefined,
        f.until ? lte(inboundEvents.receivedAt, f.until) : undefined,
      ),
    )
    .orderBy(desc(inboundEvents.receivedAt))
    .limit(f.limit)
}

/** Deletes up to `limit` events received before `before`; returns how many. */
export async function pruneEvents(db: Db, before: string, limit: number): Promise<number> {
  const old = await db.select({ id: inboundEvents.id }).from(inboundEvents).where(lt(inboundEvents.receivedAt, before)).limit(limit)
  const ids = old.map((r) => r.id)
  for (let i = 0; i < ids.length; i += 90) await db.delete(inboundEvents).where(inArray(inboundEvents.id, ids.slice(i, i + 90)))
  return ids.length
}
