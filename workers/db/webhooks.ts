import { and, desc, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { paged } from './paged'
import { webhookDeliveries, webhookEndpoints } from './schema'

export type EndpointRow = typeof webhookEndpoints.$inferSelect
export type DeliveryRow = typeof webhookDeliveries.$inferSelect

export async function createEndpoint(db: Db, row: typeof webhookEndpoints.$inferInsert): Promise<EndpointRow> {
  const [created] = await db.insert(webhookEndpoints).values(row).returning()
  if (!created) throw new Error('webhook insert returned no row')
  return created
}

export async function getEndpoint(db: Db, orgId: number, id: string): Promise<EndpointRow> {
  const row = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id)))
    .get()
  if (!row) throw ApiError.notFound('Webhook')
  return row
}

export async function listEndpoints(db: Db, orgId: number, limit: number, offset: number) {
  return paged(db, webhookEndpoints, eq(webhookEndpoints.orgId, orgId), [webhookEndpoints.createdAt, webhookEndpoints.id], limit, offset)
}

export async function updateEndpoint(db: Db, id: string, change: Partial<Pick<EndpointRow, 'url' | 'eventTypes' | 'enabled'>>): Promise<EndpointRow> {
  // An empty patch is a no-op that answers the endpoint (drizzle refuses an empty SET).
  const [row] = Object.keys(change).length
    ? await db.update(webhookEndpoints).set(change).where(eq(webhookEndpoints.id, id)).returning()
    : await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id))
  if (!row) throw ApiError.notFound('Webhook')
  return row
}

export async function deleteEndpoint(db: Db, id: string): Promise<void> {
  await db.batch([db.delete(webhookDeliveries).where(eq(webhookDeliveries.endpointId, id)), db.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id))])
}

export async function listDeliveries(db: Db, endpointId: string, limit: number, offset: number) {
  return paged(db, webhookDeliveries, eq(webhookDeliveries.endpointId, endpointId), [desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id)], limit, offset)
}

/** hasEnabledEndpoint as a column of a larger select (run creation reads it with the budget). */
export const hasEnabledEndpointColumn = (orgId: number | SQL) => sql<number>`EXISTS (SELECT 1 FROM webhook_endpoints w WHERE w.org_id = ${orgId} AND w.enabled = 1)`

/** Whether the org has an enabled endpoint: a read, not a write, per run end. */
export async function hasEnabledEndpoint(db: Db, orgId: number): Promise<boolean> {
  const row = await db.get<{ hooks: number }>(sql`SELECT ${hasEnabledEndpointColumn(orgId)} AS hooks`)
  return Boolean(row?.hooks)
}
