import { and, asc, eq, type SQL, sql } from 'drizzle-orm'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import type { AgentRow } from './agents'
import { getCredential } from './credentials'
import { isUniqueViolation } from './errors'
import { paged } from './paged'
import { credentials, grants } from './schema'

export type GrantRow = typeof grants.$inferSelect

/** Grants a credential to an agent; its service must be among `reachable`, the services of the agent's connectors. */
export async function createGrant(db: Db, agent: AgentRow, reachable: readonly string[], credentialId: string, scopes: { read: boolean; write: boolean }) {
  const credential = await getCredential(db, agent.orgId, credentialId)
  if (!reachable.includes(credential.serviceName)) {
    throw ApiError.invalid(
      ['body', 'credential_id'],
      `Credential service "${credential.serviceName}" is not among the agent's allowed connectors; add it with PUT …/connectors first`,
      'connector_not_allowed',
    )
  }
  try {
    const [row] = await db.insert(grants).values({ id: crypto.randomUUID(), orgId: agent.orgId, agentId: agent.id, credentialId, scopeRead: scopes.read, scopeWrite: scopes.write }).returning()
    if (!row) throw new Error('grant insert returned no row')
    return row
  } catch (err) {
    if (isUniqueViolation(err)) throw new ApiError('conflict', 'This credential is already granted to the agent; revoke the grant to change its scopes')
    throw err
  }
}

export async function listGrants(db: Db, agent: AgentRow, limit: number, offset: number) {
  return paged(db, grants, eq(grants.agentId, agent.id), [asc(grants.createdAt), asc(grants.id)], limit, offset)
}

export async function deleteGrant(db: Db, agent: AgentRow, grantId: string): Promise<void> {
  const [row] = await db
    .delete(grants)
    .where(and(eq(grants.id, grantId), eq(grants.agentId, agent.id), eq(grants.orgId, agent.orgId)))
    .returning({ id: grants.id })
  if (!row) throw ApiError.notFound('Grant')
}

/** After the allowed connectors shrink, grants to credentials of services outside `services` are revoked. */
export async function revokeGrantsOutside(db: Db, agent: AgentRow, services: readonly string[]): Promise<void> {
  await db.run(sql`DELETE FROM grants WHERE agent_id = ${agent.id} AND credential_id IN (
    SELECT id FROM credentials WHERE org_id = ${agent.orgId}
    ${
      services.length
        ? sql`AND service_name NOT IN (${sql.join(
            services.map((s) => sql`${s}`),
            sql`, `,
          )})`
        : sql``
    })`)
}

/** The services granted to an agent as a column (comma-separated names, servicesOf reads them): run creation reads it with more. */
export const grantedServicesColumn = (agentId: string | SQL) =>
  sql<string | null>`(SELECT group_concat(DISTINCT c.service_name) FROM grants g JOIN credentials c ON c.id = g.credential_id WHERE g.agent_id = ${agentId})`

/** grantedServicesColumn's value as names. */
export const servicesOf = (column: string | null): string[] => (column ? column.split(',') : [])

/** Services of the credentials granted to an agent (what its granted-credential tools can act as). */
export async function grantedServices(db: Db, agentId: string): Promise<string[]> {
  const row = await db.get<{ granted: string | null }>(sql`SELECT ${grantedServicesColumn(agentId)} AS granted`)
  return servicesOf(row?.granted ?? null)
}

/** The sealed secret of a credential of `service` granted to the agent with `scope`, if any (the oldest grant wins). */
export async function grantedCredential(db: Db, orgId: number, agentId: string, service: string, scope: 'read' | 'write'): Promise<{ id: string; secretCiphertext: string } | undefined> {
  const [row] = await db
    .select({ id: credentials.id, secretCiphertext: credentials.secretCiphertext })
    .from(grants)
    .innerJoin(credentials, eq(credentials.id, grants.credentialId))
    .where(and(eq(grants.agentId, agentId), eq(credentials.orgId, orgId), eq(credentials.serviceName, service), scope === 'read' ? eq(grants.scopeRead, true) : eq(grants.scopeWrite, true)))
    .orderBy(asc(grants.createdAt))
    .limit(1)
  return row
}
