import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AuthedEnv } from '../app-env'
import { getUser, listUserOrganizations } from '../db/tenancy'
import { ApiError } from '../errors'
import { CONNECTORS } from '../runtime/connectors'
import { errorResponses, fastapiPage, fastapiPageOf, jsonContent, SkipLimitQuerySchema } from '../schemas/common'
import { ConnectorSchema, NO_PR_SETTINGS, OrganizationSchema, toUserResponse, UserSchema } from '../schemas/tenancy'

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

export const meRoutes = new OpenAPIHono<AuthedEnv>()
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
