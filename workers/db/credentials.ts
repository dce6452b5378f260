import { and, asc, count, eq, getTableColumns, inArray } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { encryptSecret } from '../lib/crypto'
import { isUniqueViolation } from './errors'
import { credentials, grants, inboundEndpoints } from './schema'

export type CredentialRow = typeof credentials.$inferSelect

/** Everything but the ciphertext: a query that cannot leak the secret into a response. */
const { secretCiphertext: _secret, ...publicColumns } = getTableColumns(credentials)
export type PublicCredential = Omit<CredentialRow, 'secretCiphertext'>

/** AES-GCM additional data: the ciphertext only opens on its own row. */
export const secretContext = (orgId: number, credentialId: string) => `credential:${orgId}:${credentialId}`

/** A new credential in row names; `secret` is encrypted here and never stored in clear. */
export type NewCredential = Pick<typeof credentials.$inferInsert, 'serviceName' | 'instanceId' | 'accountLabel' | 'baseUrl'> & { secret: string }

export async function createCredential(db: Db, orgId: number, userId: number, input: NewCredential, key: string) {
  const id = crypto.randomUUID()
  const secretCiphertext = await encryptSecret(key, input.secret, secretContext(orgId, id))
  try {
    const [row] = await db
      .insert(credentials)
      .values({
        id,
        orgId,
        serviceName: input.serviceName,
        instanceId: input.instanceId,
        accountLabel: input.accountLabel ?? null,
        baseUrl: input.baseUrl ?? null,
        secretCiphertext,
        createdBy: userId,
      })
      .returning(publicColumns)
    if (!row) throw new Error('credential insert returned no row')
    return row
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw new ApiError('conflict', `A ${input.serviceName} credential with instance_id "${input.instanceId}" already exists`)
    }
    throw err
  }
}

export async function listCredentials(db: Db, orgId: number, limit: number, offset: number) {
  const where = eq(credentials.orgId, orgId)
  const [items, [total]] = await db.batch([
    db.select(publicColumns).from(credentials).where(where).orderBy(asc(credentials.createdAt), asc(credentials.id)).limit(limit).offset(offset),
    db.select({ n: count() }).from(credentials).where(where),
  ])
  return { items, total: total?.n ?? 0 }
}

export async function getCredential(db: Db, orgId: number, credentialId: string): Promise<PublicCredential> {
  const row = await db
    .select(publicColumns)
    .from(credentials)
    .where(and(eq(credentials.orgId, orgId), eq(credentials.id, credentialId)))
    .get()
  if (!row) throw ApiError.notFound('Credential')
  return row
}

/** Deleting a credential revokes every grant of it and its inbound endpoint, in the same batch. */
export async function deleteCredential(db: Db, orgId: number, credentialId: string): Promise<void> {
  await getCredential(db, orgId, credentialId)
  await db.batch([
    db.delete(grants).where(eq(grants.credentialId, credentialId)),
    db.delete(inboundEndpoints).where(eq(inboundEndpoints.credentialId, credentialId)),
    db.delete(credentials).where(and(eq(credentials.orgId, orgId), eq(credentials.id, credentialId))),
  ])
}

/** The org's credentials for `services` (the agent's allowed connectors), with the agent's grant if any. */
export async function credentialsForAgent(db: Db, orgId: number, agentId: string, services: string[]) {
  if (services.length === 0) return []
  return db
    .select({ ...publicColumns, grantId: grants.id })
    .from(credentials)
    .leftJoin(grants, and(eq(grants.credentialId, credentials.id), eq(grants.agentId, agentId)))
    .where(and(eq(credentials.orgId, orgId), inArray(credentials.serviceName, services)))
    .orderBy(asc(credentials.serviceName), asc(credentials.instanceId))
}

/** The agent's live grants for `services`, with each credential's account (no secret). */
export async function grantedAccounts(db: Db, orgId: number, agentId: string, services: string[]) {
  if (services.length === 0) return []
  return db
    .select({
      credentialId: credentials.id,
      service: credentials.serviceName,
      instanceId: credentials.instanceId,
      accountLabel: credentials.accountLabel,
      read: grants.scopeRead,
      write: grants.scopeWrite,
    })
    .from(grants)
    .innerJoin(credentials, eq(credentials.id, grants.credentialId))
    .where(and(eq(grants.orgId, orgId), eq(grants.agentId, agentId), eq(credentials.orgId, orgId), inArray(credentials.serviceName, services)))
    .orderBy(asc(credentials.serviceName), asc(credentials.instanceId))
}

/** Only for the connector executor: the granted credentials of one service, sealed secret included. */
export async function grantedCredentials(db: Db, orgId: number, agentId: string, service: string) {
  return db
    .select({
      credentialId: credentials.id,
      instanceId: credentials.instanceId,
      accountLabel: credentials.accountLabel,
      baseUrl: credentials.baseUrl,
      secretCiphertext: credentials.secretCiphertext,
      read: grants.scopeRead,
      write: grants.scopeWrite,
    })
    .from(grants)
    .innerJoin(credentials, eq(credentials.id, grants.credentialId))
    .where(and(eq(grants.orgId, orgId), eq(grants.agentId, agentId), eq(credentials.orgId, orgId), eq(credentials.serviceName, service)))
    .orderBy(asc(credentials.instanceId))
}

/** Called by the connector executor at most once a minute per credential (see execute.ts). */
export async function touchCredential(db: Db, credentialId: string, at: string): Promise<void> {
  await db.update(credentials).set({ lastUsedAt: at }).where(eq(credentials.id, credentialId))
}
