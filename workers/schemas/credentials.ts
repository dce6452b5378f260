import type { NewCredential } from '../db/credentials'
import { z } from '@hono/zod-openapi'
import type { credentials, grants } from '../db/schema'
import { IdSchema, OrgParamsSchema, pageOf } from './common'
import { AgentParamsSchema } from './agents'

export const CreateCredentialSchema = z
  .strictObject({
    service_name: z.string().min(1).max(64).openapi({ example: 'wildberries' }),
    instance_id: z
      .string()
      .regex(/^[\w.:-]{1,128}$/, 'instance_id must be 1-128 of letters, digits, "_", ".", ":" or "-"')
      .openapi({ example: 'wb_main' }),
    account_label: z.string().max(200).nullish().openapi({ example: 'WB Seller — main' }),
    secret: z.string().min(1).max(16_384).openapi({ description: "Token or password in the service's format (README: Connectors). Stored encrypted; never returned.", example: 'wb-token-…' }),
    base_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullish()
      .openapi({ description: 'Overrides the service base URL where the service allows it (self-hosted GitLab; required for http)', example: 'https://gitlab.example.com/api/v4' }),
  })
  .openapi('CreateCredentialRequest')
export type CreateCredential = z.infer<typeof CreateCredentialSchema>
/** The body in row names. */
export const toNewCredential = (b: CreateCredential): NewCredential => ({
  serviceName: b.service_name,
  instanceId: b.instance_id,
  accountLabel: b.account_label ?? null,
  baseUrl: b.base_url ?? null,
  secret: b.secret,
})

export const CredentialSchema = z
  .object({
    id: z.string(),
    org_id: z.number().int(),
    service_name: z.string(),
    instance_id: z.string(),
    account_label: z.string().nullable(),
    base_url: z.string().nullable(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
    last_used_at: z.string().nullable(),
  })
  .openapi('Credential')

export const CredentialListSchema = pageOf(CredentialSchema, 'CredentialList')

export const CredentialParamsSchema = OrgParamsSchema.extend({
  credential_id: IdSchema.openapi({ param: { name: 'credential_id', in: 'path' } }),
})

/** Exactly the seed's /available-credentials item. */
export const AvailableCredentialSchema = z
  .object({
    credential_id: z.string(),
    service_name: z.string(),
    instance_id: z.string(),
    account_label: z.string().nullable(),
    last_used_at: z.string().nullable(),
    granted: z.boolean(),
    grant_id: z.string().nullable(),
  })
  .openapi('AvailableCredential')

export const ScopesSchema = z.strictObject({ read: z.boolean().default(true), write: z.boolean().default(true) }).openapi('GrantScopes')

export const CreateGrantSchema = z.strictObject({ credential_id: IdSchema, scopes: ScopesSchema.optional() }).openapi('CreateGrantRequest')

export const GrantSchema = z
  .object({
    id: z.string(),
    agent_id: z.string(),
    credential_id: z.string(),
    scopes: z.object({ read: z.boolean(), write: z.boolean() }),
    created_at: z.string(),
  })
  .openapi('Grant')

export const GrantListSchema = pageOf(GrantSchema, 'GrantList')

export const GrantParamsSchema = AgentParamsSchema.extend({
  grant_id: IdSchema.openapi({ param: { name: 'grant_id', in: 'path' } }),
})

export const toCredential = (row: Omit<typeof credentials.$inferSelect, 'secretCiphertext'>): z.infer<typeof CredentialSchema> => ({
  id: row.id,
  org_id: row.orgId,
  service_name: row.serviceName,
  instance_id: row.instanceId,
  account_label: row.accountLabel,
  base_url: row.baseUrl,
  created_by: row.createdBy,
  created_at: row.createdAt,
  last_used_at: row.lastUsedAt,
})

export const toGrant = (row: typeof grants.$inferSelect): z.infer<typeof GrantSchema> => ({
  id: row.id,
  agent_id: row.agentId,
  credential_id: row.credentialId,
  scopes: { read: row.scopeRead, write: row.scopeWrite },
  created_at: row.createdAt,
})
