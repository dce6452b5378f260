import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import { getSearchSettings, setSearchSettings } from '../db/search-settings'
import { ApiError } from '../errors'
import { outboundRefusal } from '../lib/net-guard'
import { errorResponses, jsonBody, jsonContent, OrgParamsSchema } from '../schemas/common'
import { PutSearchSettingsSchema, SearchSettingsSchema } from '../schemas/organizations'

export const getSearchSettingsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/search-settings',
  tags: ['Organizations'],
  summary: "The org's search provider for web_search and yandex_image_search",
  request: { params: OrgParamsSchema },
  responses: { 200: jsonContent(SearchSettingsSchema, 'Settings (the key is never shown)'), ...errorResponses },
})
export const putSearchSettingsRoute = createRoute({
  method: 'put',
  path: '/organizations/{org_id}/search-settings',
  tags: ['Organizations'],
  summary: 'Replace the search provider (owners only)',
  request: { params: OrgParamsSchema, body: jsonBody(PutSearchSettingsSchema) },
  responses: { 200: jsonContent(SearchSettingsSchema, 'Settings'), ...errorResponses },
})

export const searchSettingsRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(getSearchSettingsRoute, async (c) => c.json(await getSearchSettings(c.var.db, c.var.orgId), 200))
  .openapi(putSearchSettingsRoute, async (c) => {
    if (c.var.orgRole !== 'owner') throw new ApiError('forbidden', 'Only an owner of the organization can change its search settings')
    const body = c.req.valid('json')
    if (body.provider === 'searxng' && !body.url) throw ApiError.invalid(['body', 'url'], 'url is required for a SearXNG provider', 'missing')
    if (body.provider === 'brave' && !body.api_key) throw ApiError.invalid(['body', 'api_key'], 'api_key is required for the Brave provider', 'missing')
    const refused = body.url ? outboundRefusal(c.env, body.url) : undefined
    if (refused) throw ApiError.invalid(['body', 'url'], `url is not allowed: ${refused}`, 'url_refused')
    const key = c.env.ENCRYPTION_KEY
    if (!key) throw new Error('ENCRYPTION_KEY is not configured')
    const value = body.provider === null ? null : { provider: body.provider, url: body.url ?? null, apiKey: body.api_key ?? null }
    return c.json(await setSearchSettings(c.var.db, c.var.orgId, value, key), 200)
  })
