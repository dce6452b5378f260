import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { getModelSettings, setModelSettings } from '../db/model-settings'
import { ApiError } from '../errors'
import { outboundRefusal } from '../lib/net-guard'
import { errorResponses, jsonBody, jsonContent, OrgParamsSchema } from '../schemas/common'

const SettingsSchema = z.object({ openai_base_url: z.string().nullable(), openai_api_key_set: z.boolean() }).openapi('ModelSettings')
const PutSchema = z
  .strictObject({
    openai_base_url: z.url({ protocol: /^https?$/ }).max(2048).nullish().openapi({ description: 'OpenAI-compatible base URL, e.g. https://api.groq.com/openai/v1; null: the deployment default' }),
    openai_api_key: z.string().min(1).max(1000).nullish().openapi({ description: 'Stored encrypted, never returned; null clears it' }),
  })
  .openapi('PutModelSettings')

export const getModelSettingsRoute = createRoute({
  method: 'get', path: '/organizations/{org_id}/model-settings', tags: ['Organizations'], summary: "The org's OpenAI-compatible endpoint for openai/* models",
  request: { params: OrgParamsSchema },
  responses: { 200: jsonContent(SettingsSchema, 'Settings (the key is never shown)'), ...errorResponses },
})
export const putModelSettingsRoute = createRoute({
  method: 'put', path: '/organizations/{org_id}/model-settings', tags: ['Organizations'], summary: 'Set the endpoint and key (owners only)',
  request: { params: OrgParamsSchema, body: jsonBody(PutSchema) },
  responses: { 200: jsonContent(SettingsSchema, 'Settings'), ...errorResponses },
})

export const modelSettingsRoutes = new OpenAPIHono<AppEnv>()
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
