import { eq } from 'drizzle-orm'
import type { Db } from '../app-env'
import { decryptSecret, encryptSecret } from '../lib/crypto'
import { organizations } from './schema'

export const modelKeyContext = (orgId: number) => `org-model-key:${orgId}`

/** What the API shows: the base URL and whether a key is set, never the key. */
export async function getModelSettings(db: Db, orgId: number) {
  const row = await db.select({ baseUrl: organizations.openaiBaseUrl, key: organizations.openaiApiKeyCiphertext }).from(organizations).where(eq(organizations.id, orgId)).get()
  return { openai_base_url: row?.baseUrl ?? null, openai_api_key_set: Boolean(row?.key) }
}

/** `undefined` leaves a field as it is, `null` clears it. */
export async function setModelSettings(db: Db, orgId: number, change: { baseUrl?: string | null; apiKey?: string | null }, encryptionKey: string) {
  const set: Partial<typeof organizations.$inferInsert> = {}
  if (change.baseUrl !== undefined) set.openaiBaseUrl = change.baseUrl
  if (change.apiKey !== undefined) set.openaiApiKeyCiphertext = change.apiKey === null ? null : await encryptSecret(encryptionKey, change.apiKey, modelKeyContext(orgId))
  if (Object.keys(set).length) await db.update(organizations).set(set).where(eq(organizations.id, orgId))
  return getModelSettings(db, orgId)
}

/** For the loop: the org's endpoint and decrypted key, each only when set. */
export async function orgOpenAIConfig(db: Db, orgId: number, encryptionKey: string | undefined): Promise<{ baseUrl?: string; apiKey?: string }> {
  const row = await db.select({ baseUrl: organizations.openaiBaseUrl, key: organizations.openaiApiKeyCiphertext }).from(organizations).where(eq(organizations.id, orgId)).get()
  return {
    ...(row?.baseUrl ? { baseUrl: row.baseUrl } : {}),
    ...(row?.key && encryptionKey ? { apiKey: await decryptSecret(encryptionKey, row.key, modelKeyContext(orgId)) } : {}),
  }
}
