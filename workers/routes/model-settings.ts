import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import { getModelSettings, setModelSettings } from '../db/model-settings'
import { ApiError } from '../errors'
import { outboundRefusal } from '../lib/net-guard'
import { errorResponses, jsonBody, jsonContent, OrgParamsSchema } from '../schemas/common'
import { ModelSettingsSchema, PutModelSettingsSchema } from '../schemas/organizations'

export const getModelSettingsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/model-settings',
  tags: ['Organizations'],
  summary: "The org's OpenAI-compatible endpoint for openai/* models",
  request: { params: OrgParamsSchema },
  responses: { 200: jsonContent(ModelSettingsSchema, 'Settings (the key is never shown)'), ...errorResponses },
})
export const putModelSettingsRoute = createRoute({
  method: 'put',
  path: '/organizations/{org_id}/model-settings',
  tags: ['Organizations'],
  summary: 'Set the endpoint and key (owners only)',
  request: { params: OrgParamsSchema, body: jsonBody(PutModelSettingsSchema) },
  responses: { 200: jsonContent(ModelSettingsSchema, 'Settings'), ...errorResponses },
})

export const modelSettingsRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(getModelSettingsRoute, async (c) => c.json(await getModelSettings(c.var.db, c.var.orgId), 200))
  .openapi(putModelSettingsRoute, async (c) => {
    if (c.var.orgRole !== 'owner') throw new ApiError('forbidden', 'Only an owner of the organization can change its model settings')
    const body = c.req.valid('json')
    const refused = body.openai_base_url ? outboundRefusal(c.env, body.openai_base_url) : undefined
    if (refused) throw ApiError.invalid(['body', 'openai_base_url'], `openai_base_url is not allowed: ${refused}`, 'url_refused')
    const key = c.env.ENCRYPTION_KEY
    if (!key) throw new Error('ENCRYPTION_KEY is not configured')
    return c.json(await setModelSettings(c.var.db, c.var.orgId, { baseUrl: body.openai_base_url, apiKey: body.openai_api_key }, key), 200)
  })
