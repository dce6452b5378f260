import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { getUser, listUserOrganizations } from '../db/tenancy'
import { ApiError } from '../errors'
import { CONNECTORS } from '../runtime/connectors'
import { errorResponses, jsonContent, pageOf, PaginationQuerySchema } from '../schemas/common'

export const UserSchema = z
  .object({ id: z.number().int(), email: z.string(), name: z.string().nullable(), created_at: z.string() })
  .openapi('User')

export const OrganizationSchema = z
  .object({ id: z.number().int(), name: z.string(), role: z.enum(['owner', 'member']), created_at: z.string() })
  .openapi('Organization')

export const ConnectorSchema = z
  .object({ key: z.string(), title: z.string(), service: z.string(), base_url: z.string().nullable(), description: z.string() })
  .openapi('Connector')

const { 401: unauthenticated } = errorResponses

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
  request: { query: PaginationQuerySchema },
  responses: { 200: jsonContent(pageOf(OrganizationSchema, 'OrganizationList'), 'A page of organizations'), 401: unauthenticated },
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
    return c.json({ id: user.id, email: user.email, name: user.name, created_at: user.createdAt }, 200)
  })
  .openapi(listOrganizationsRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const page = await listUserOrganizations(c.var.db, c.var.principal.userId, limit, offset)
    return c.json({ ...page, limit, offset }, 200)
  })
  .openapi(listConnectorsRoute, (c) => c.json({ items: [...CONNECTORS], total: CONNECTORS.length }, 200))
