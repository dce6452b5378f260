import { z } from '@hono/zod-openapi'
import type { Organization } from '../db/tenancy'

export const CreateOrgSchema = z.strictObject({ name: z.string().trim().min(1).max(200) }).openapi('AdminCreateOrganization')

export const CreateUserSchema = z.strictObject({ email: z.email().max(320), name: z.string().max(200).nullish() }).openapi('AdminCreateUser')

export const AddMemberSchema = z.strictObject({ user_id: z.number().int().positive(), role: z.enum(['owner', 'member']).default('member') }).openapi('AdminAddMember')

export const RateLimitSchema = z.number().int().min(1).max(1_000_000).nullish()

export const CreateKeySchema = z.strictObject({ name: z.string().trim().min(1).max(200), rate_limit_per_minute: RateLimitSchema }).openapi('AdminCreateApiKey')

export const PatchOrgSchema = z
  .strictObject({
    rate_limit_per_minute: RateLimitSchema,
    monthly_budget_usd: z.number().min(0).max(1e9).nullish(),
    retention_days: z.number().int().min(1).max(3650).optional(),
  })
  .openapi('AdminPatchOrganization')

export const UserParams = z.object({
  user_id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'user_id', in: 'path' } }),
})

export const KeyParams = z.object({
  key_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'key_id', in: 'path' } }),
})

export const AdminOrgSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    rate_limit_per_minute: z.number().int().nullable(),
    monthly_budget_usd: z.number().nullable(),
    retention_days: z.number().int(),
    created_at: z.string(),
  })
  .openapi('AdminOrganization')

export const toAdminOrg = (o: Organization) => ({
  id: o.id,
  name: o.name,
  rate_limit_per_minute: o.rateLimitPerMinute,
  monthly_budget_usd: o.monthlyBudgetUsd,
  retention_days: o.retentionDays,
  created_at: o.createdAt,
})

export const AdminUserSchema = z.object({ id: z.number().int(), email: z.string(), name: z.string().nullable(), created_at: z.string() }).openapi('AdminUser')

export const NewKeySchema = z
  .object({ id: z.string(), name: z.string(), prefix: z.string(), created_at: z.string(), key: z.string().openapi({ description: 'Shown once; only its hash is stored.' }) })
  .openapi('NewApiKey')
