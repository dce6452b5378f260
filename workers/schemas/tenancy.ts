import { z } from '@hono/zod-openapi'
import type { User } from '../db/tenancy'

/** agentplane opens no pull requests: the Codegen settings are reported off. */
export const NO_PR_SETTINGS = { enable_pr_creation: false, enable_rules_detection: false }

/** The Codegen spec's UserResponse (github_* are required there; empty: no GitHub link here). */
export const UserSchema = z
  .object({
    id: z.number().int(),
    email: z.string().nullable(),
    github_user_id: z.string(),
    github_username: z.string(),
    avatar_url: z.string().nullable(),
    full_name: z.string().nullable(),
    role: z.string().nullable(),
    is_admin: z.boolean().nullable(),
    created_at: z.string(),
  })
  .openapi('UserResponse')

/** The Codegen spec's OrganizationResponse, plus the caller's role. */
export const OrganizationSchema = z
  .object({
    id: z.number().int(),
    name: z.string(),
    settings: z.object({ enable_pr_creation: z.boolean(), enable_rules_detection: z.boolean() }),
    role: z.enum(['owner', 'member']),
    created_at: z.string(),
  })
  .openapi('OrganizationResponse')

export const ConnectorSchema = z.object({ key: z.string(), title: z.string(), service: z.string(), base_url: z.string().nullable(), description: z.string() }).openapi('Connector')

export const toUserResponse = (user: User, role: string | null): z.infer<typeof UserSchema> => ({
  id: user.id,
  email: user.email,
  github_user_id: '',
  github_username: '',
  avatar_url: null,
  full_name: user.name,
  role,
  is_admin: role === 'owner',
  created_at: user.createdAt,
})
