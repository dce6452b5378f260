import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { getUser, listUserOrganizations, type User } from '../db/tenancy'
import { ApiError } from '../errors'
import { CONNECTORS } from '../runtime/connectors'
import { errorResponses, fastapiPage, fastapiPageOf, jsonContent, SkipLimitQuerySchema } from '../schemas/common'

/** agentplane opens no pull requests: the Codegen settings are reported off. */
const NO_PR_SETTINGS = { enable_pr_creation: false, enable_rules_detection: false }

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

export const ConnectorSchema = z
  .object({ key: z.string(), title: z.string(), service: z.string(), base_url: z.string().nullable(), description: z.string() })
  .openapi('Connector')

const { 401: unauthenticated } = errorResponses

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

export const getMeRoute = createRoute({
  method: 'get',
  path: '/users/me',
  tags: ['Users'],
  summary: 'The user the API key belongs to',
  responses: { 200: jsonContent(UserSchema, 'The user'), 401: unauthenticated },
})

export const listOrganizationsRoute = createRoute({
  method: 'get',
  path: '/organizations',
  tags: ['Organizations'],
  summary: "The caller's organizations",
  request: { query: SkipLimitQuerySchema },
  responses: { 200: jsonContent(fastapiPageOf(OrganizationSchema, 'Page_OrganizationResponse_'), 'A page of organizations'), 401: unauthenticated },
})

export const listConnectorsRoute = createRoute({
  method: 'get',
  path: '/connectors',
  tags: ['Connectors'],
  summary: 'The connectors an agent can be allowed to use',
  responses: { 200: jsonContent(z.object({ items: z.array(ConnectorSchema), total: z.number().int() }), 'All connectors'), 401: unauthenticated },
})

export const meRoutes = new OpenAPIHono<AppEnv>()
  .openapi(getMeRoute, async (c) => {
    const user = await getUser(c.var.db, c.var.principal.userId)
    if (!user) throw new ApiError('unauthenticated', 'Invalid API key')
    return c.json(toUserResponse(user, null), 200)
  })
  .openapi(listOrganizationsRoute, async (c) => {
    const { skip, limit } = c.req.valid('query')
    const page = await listUserOrganizations(c.var.db, c.var.principal.userId, limit, skip)
    const items = page.items.map((o) => ({ id: o.id, name: o.name, settings: NO_PR_SETTINGS, role: o.role, created_at: o.createdAt }))
    return c.json(fastapiPage(items, page.total, skip, limit), 200)
  })
  .openapi(listConnectorsRoute, (c) => c.json({ items: [...CONNECTORS], total: CONNECTORS.length }, 200))
