import { z } from '@hono/zod-openapi'
import type { AgentProfile } from '../db/agents'
import type { agents } from '../db/schema'
import { parseModelId, PROVIDERS } from '../runtime/models/model-id'
import { IdSchema, OrgParamsSchema, pageOf } from './common'

export const ModelIdSchema = z
  .string()
  .max(200)
  .refine((v) => parseModelId(v) !== undefined, { message: `model must be provider/model, provider one of: ${PROVIDERS.join(', ')}` })
  .openapi({ example: 'dev/echo' })

export const AgentCodeSchema = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'code must be 1-64 of a-z, 0-9, "-" or "_", starting with a letter or digit')
  .openapi({ example: 'marketplace-manager' })

const profile = {
  name: z.string().trim().min(1).max(200).openapi({ example: 'Marketplace Manager' }),
  description: z.string().max(2000).nullish(),
  system_prompt: z.string().max(100_000).nullish(),
  avatar_url: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  model: ModelIdSchema.optional(),
  is_enabled: z.boolean().optional(),
}

export const CreateAgentSchema = z.strictObject({ ...profile, code: AgentCodeSchema.optional() }).openapi('CreateAgentRequest')
export type CreateAgent = z.infer<typeof CreateAgentSchema>

export const PatchAgentSchema = z.strictObject({ ...profile, name: profile.name.optional() }).openapi('PatchAgentRequest')
export type PatchAgent = z.infer<typeof PatchAgentSchema>

/** A create or patch body in row names (undefined: unchanged; null: cleared). */
export const toAgentProfile = (b: CreateAgent | PatchAgent): AgentProfile => ({
  code: 'code' in b ? b.code : undefined,
  name: b.name,
  description: b.description,
  systemPrompt: b.system_prompt,
  avatarUrl: b.avatar_url,
  model: b.model,
  isEnabled: b.is_enabled,
})

export const AgentSchema = z
  .object({
    id: z.string(),
    org_id: z.number().int(),
    code: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    system_prompt: z.string().nullable(),
    avatar_url: z.string().nullable(),
    model: z.string(),
    is_enabled: z.boolean(),
    version: z.number().int(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
    updated_at: z.string(),
    connectors: z.array(z.string()),
    kind: z.enum(['system', 'custom']),
  })
  .openapi('Agent')
export type Agent = z.infer<typeof AgentSchema>

export const AgentListSchema = pageOf(AgentSchema, 'AgentList')

export const AgentParamsSchema = OrgParamsSchema.extend({ agent_id: IdSchema.openapi({ param: { name: 'agent_id', in: 'path' } }) })

export const PutConnectorsSchema = z.strictObject({ connector_keys: z.array(z.string().max(64)).max(64) }).openapi('PutConnectorsRequest')

export function toAgent(row: typeof agents.$inferSelect): Agent {
  return {
    id: row.id,
    org_id: row.orgId,
    code: row.code,
    name: row.name,
    description: row.description,
    system_prompt: row.systemPrompt,
    avatar_url: row.avatarUrl,
    model: row.model,
    is_enabled: row.isEnabled,
    version: row.version,
    created_by: row.createdBy,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    connectors: row.connectors,
    kind: row.kind,
  }
}
