import { eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { decryptSecret, encryptSecret } from '../lib/crypto'
import { orgSearchSettings } from './schema'

export const searchKeyContext = (orgId: number) => `org-search-key:${orgId}`

/** What the API shows: provider and URL, and whether a key is set — never the key. */
export async function getSearchSettings(db: Db, orgId: number) {
  const row = await db.select().from(orgSearchSettings).where(eq(orgSearchSettings.orgId, orgId)).get()
  return { provider: row?.provider ?? null, url: row?.url ?? null, api_key_set: Boolean(row?.apiKeyCiphertext) }
}

/** Whether the org set a provider (getSearchSettings().provider !== null), as a column of a larger select. */
export const hasSearchSettingsColumn = (orgId: number | SQL) => sql<number>`EXISTS (SELECT 1 FROM org_search_settings s WHERE s.org_id = ${orgId})`

/** Replaces the org's provider (null clears it: the deployment's applies again). */
export async function setSearchSettings(db: Db, orgId: number, value: { provider: 'searxng' | 'brave'; url: string | null; apiKey: string | null } | null, encryptionKey: string) {
  if (value === null) {
    await db.delete(orgSearchSettings).where(eq(orgSearchSettings.orgId, orgId))
    return getSearchSettings(db, orgId)
  }
  const row = {
    orgId,
    provider: value.provider,
    url: value.url,
    apiKeyCiphertext: value.apiKey === null ? null : await encryptSecret(encryptionKey, value.apiKey, searchKeyContext(orgId)),
    updatedAt: new Date().toISOString(),
  }
  await db.insert(orgSearchSettings).values(row).onConflictDoUpdate({ target: orgSearchSettings.orgId, set: row })
  return getSearchSettings(db, orgId)
}

/** For the tools: the org's provider with its decrypted key, when the org has one. */
export async function orgSearchProvider(db: Db, orgId: number, encryptionKey: string | undefined) {
  const row = await db.select().from(orgSearchSettings).where(eq(orgSearchSettings.orgId, orgId)).get()
  if (!row) return undefined
  const key = row.apiKeyCiphertext && encryptionKey ? await decryptSecret(encryptionKey, row.apiKeyCiphertext, searchKeyContext(orgId)) : undefined
  return { provider: row.provider, url: row.url, key }
}
