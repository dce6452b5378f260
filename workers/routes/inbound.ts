import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { closeEndpoint, openEndpoint, receiveDelivery } from '../runtime/connectors/inbound-service'
import { errorResponses, ErrorSchema, jsonContent } from '../schemas/common'
import { CredentialParamsSchema } from '../schemas/credentials'

const tags = ['Inbound events']

const InboundEndpointSchema = z
  .object({
    credential_id: z.string(),
    service: z.string(),
    url: z.string().openapi({ description: 'Secret URL: give it to Telegram setWebhook or a GitHub webhook. Shown once.' }),
    secret: z.string().openapi({ description: 'Telegram secret_token / GitHub webhook secret / X-Inbound-Secret. Shown once.' }),
    created_at: z.string(),
  })
  .openapi('InboundEndpoint')

export const openInboundRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/credentials/{credential_id}/inbound',
  tags,
  summary: "Create or rotate the credential's inbound webhook endpoint (URL and secret shown once)",
  request: { params: CredentialParamsSchema },
  responses: { 201: jsonContent(InboundEndpointSchema, 'The endpoint'), ...errorResponses },
})

export const closeInboundRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/credentials/{credential_id}/inbound',
  tags,
  summary: "Delete the credential's inbound endpoint",
  request: { params: CredentialParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
})

/** Management, under /v1 (API key, org member). */
export const inboundRoutes = new OpenAPIHono<AppEnv>()
  .openapi(openInboundRoute, async (c) => {
    const { credential_id } = c.req.valid('param')
    const origin = c.env.PUBLIC_URL ?? new URL(c.req.url).origin
    return c.json(await openEndpoint(c.var.db, c.env.ENCRYPTION_KEY, c.var.orgId, credential_id, origin), 201)
  })
  .openapi(closeInboundRoute, async (c) => {
    await closeEndpoint(c.var.db, c.var.orgId, c.req.valid('param').credential_id)
    return c.body(null, 204)
  })

export const receiveInboundRoute = createRoute({
  method: 'post',
  path: '/{token}',
  tags,
  summary: 'Receive a webhook delivery (Telegram update, GitHub event…); verified, then journaled for query_events',
  request: { params: z.object({ token: z.string().min(20).max(100).openapi({ param: { name: 'token', in: 'path' } }) }) },
  responses: {
    200: jsonContent(z.object({ ok: z.boolean(), id: z.string(), type: z.string() }), 'Stored'),
    401: jsonContent(ErrorSchema, 'Signature or secret token missing or wrong'),
    404: jsonContent(ErrorSchema, 'No such endpoint'),
    413: jsonContent(ErrorSchema, 'Too large'),
  },
})

/** Public, under /hooks: the URL token and the delivery's signature are the authentication. */
export const inboundHookRoutes = new OpenAPIHono<AppEnv>().openapi(receiveInboundRoute, async (c) => {
  const stored = await receiveDelivery(c.var.db, c.env.ENCRYPTION_KEY, c.req.valid('param').token, c.req.raw.headers, await c.req.text())
  return c.json({ ok: true, ...stored }, 200)
})
