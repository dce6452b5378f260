import { and, asc, desc, eq, lte, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { datasetRegistry, goldMarts, silverMappings, warehouseRaw } from './schema'

export type RegistryRow = typeof datasetRegistry.$inferSelect
export type SilverRow = typeof silverMappings.$inferSelect
export type GoldRow = typeof goldMarts.$inferSelect

// Bronze
export async function landPayload(db: Db, orgId: number, connector: string, datasetKey: string, payload: string): Promise<void> {
  await db.insert(warehouseRaw).values({ orgId, connector, datasetKey, payload, size: payload.length })
}

/** What actually landed, per (connector, dataset_key). */
export function landedDatasets(db: Db, orgId: number, connector: string | undefined) {
  return db
    .select({ connector: warehouseRaw.connector, dataset_key: warehouseRaw.datasetKey, payloads: sql<number>`count(*)`, last_landed_at: sql<string>`max(${warehouseRaw.landedAt})` })
    .from(warehouseRaw)
    .where(and(eq(warehouseRaw.orgId, orgId), connector ? eq(warehouseRaw.connector, connector) : undefined))
    .groupBy(warehouseRaw.connector, warehouseRaw.datasetKey)
    .orderBy(warehouseRaw.connector, warehouseRaw.datasetKey)
    .limit(200)
}

export async function freshestPayload(db: Db, orgId: number, connector: string, datasetKey: string) {
  const [row] = await db
    .select({ payload: warehouseRaw.payload, landedAt: warehouseRaw.landedAt })
    .from(warehouseRaw)
    .where(and(eq(warehouseRaw.orgId, orgId), eq(warehouseRaw.connector, connector), eq(warehouseRaw.datasetKey, datasetKey)))
    .orderBy(desc(warehouseRaw.landedAt), desc(warehouseRaw.id))
    .limit(1)
  return row
}

// Registry
export function listRegistry(db: Db, orgId: number) {
  return db.select().from(datasetRegistry).where(eq(datasetRegistry.orgId, orgId)).orderBy(asc(datasetRegistry.connector), asc(datasetRegistry.datasetKey))
}

export function registryEntry(db: Db, orgId: number, connector: string, datasetKey: string) {
  return db
    .select()
    .from(datasetRegistry)
    .where(and(eq(datasetRegistry.orgId, orgId), eq(datasetRegistry.connector, connector), eq(datasetRegistry.datasetKey, datasetKey)))
    .get()
}

export async function insertRegistry(db: Db, row: typeof datasetRegistry.$inferInsert): Promise<RegistryRow> {
  const [inserted] = await db.insert(datasetRegistry).values(row).returning()
  if (!inserted) throw new Error('registry insert returned no row')
  return inserted
}

export async function updateRegistry(db: Db, id: string, change: Partial<typeof datasetRegistry.$inferInsert>): Promise<RegistryRow | undefined> {
  const [row] = await db.update(datasetRegistry).set(change).where(eq(datasetRegistry.id, id)).returning()
  return row
}

export async function deleteRegistry(db: Db, id: string): Promise<void> {
  await db.delete(datasetRegistry).where(eq(datasetRegistry.id, id))
}

export function dueRegistry(db: Db, at: string, limit: number) {
  return db
    .select()
    .from(datasetRegistry)
    .where(and(eq(datasetRegistry.enabled, true), lte(datasetRegistry.nextPullAt, at)))
    .orderBy(asc(datasetRegistry.nextPullAt))
    .limit(limit)
}

// Silver
export const listSilver = (db: Db, orgId: number) => db.select().from(silverMappings).where(eq(silverMappings.orgId, orgId)).orderBy(asc(silverMappings.name))
export const silverByName = (db: Db, orgId: number, name: string) =>
  db
    .select()
    .from(silverMappings)
    .where(and(eq(silverMappings.orgId, orgId), eq(silverMappings.name, name)))
    .get()

export async function upsertSilver(db: Db, row: typeof silverMappings.$inferInsert): Promise<SilverRow> {
  const updatedAt = new Date().toISOString()
  const [saved] = await db
    .insert(silverMappings)
    .values(row)
    .onConflictDoUpdate({ target: [silverMappings.orgId, silverMappings.name], set: { connector: row.connector, datasetKey: row.datasetKey, rowPath: row.rowPath, columns: row.columns, updatedAt } })
    .returning()
  if (!saved) throw new Error('silver upsert returned no row')
  return saved
}

export async function deleteSilver(db: Db, orgId: number, name: string): Promise<boolean> {
  return (
    (
      await db
        .delete(silverMappings)
        .where(and(eq(silverMappings.orgId, orgId), eq(silverMappings.name, name)))
        .returning({ id: silverMappings.id })
    ).length > 0
  )
}

// Gold
export const listGold = (db: Db, orgId: number) =>
  db
    .select({ id: goldMarts.id, name: goldMarts.name, sql: goldMarts.sql, rowCount: goldMarts.rowCount, materializedAt: goldMarts.materializedAt })
    .from(goldMarts)
    .where(eq(goldMarts.orgId, orgId))
    .orderBy(asc(goldMarts.name))
export const goldByName = (db: Db, orgId: number, name: string) =>
  db
    .select()
    .from(goldMarts)
    .where(and(eq(goldMarts.orgId, orgId), eq(goldMarts.name, name)))
    .get()

export async function insertGold(db: Db, row: typeof goldMarts.$inferInsert): Promise<GoldRow> {
  const [saved] = await db.insert(goldMarts).values(row).returning()
  if (!saved) throw new Error('gold insert returned no row')
  return saved
}

export async function saveMaterialization(db: Db, id: string, result: { columns: string[]; rows: unknown[][] }, rowCount: number): Promise<GoldRow | undefined> {
  const [row] = await db.update(goldMarts).set({ result, rowCount, materializedAt: new Date().toISOString() }).where(eq(goldMarts.id, id)).returning()
  return row
}

export async function deleteGold(db: Db, orgId: number, name: string): Promise<boolean> {
  return (
    (
      await db
        .delete(goldMarts)
        .where(and(eq(goldMarts.orgId, orgId), eq(goldMarts.name, name)))
        .returning({ id: goldMarts.id })
    ).length > 0
  )
}

/** Every table and view name in D1: a Gold SELECT may name none of them. */
export async function schemaNames(d1: D1Database): Promise<Set<string>> {
  const { results } = await d1.prepare("SELECT lower(name) AS name FROM sqlite_master WHERE type IN ('table', 'view')").all<{ name: string }>()
  return new Set(results.map((r) => r.name))
}
