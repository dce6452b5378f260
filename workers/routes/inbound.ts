import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv, OrgEnv } from '../app-env'
import { closeEndpoint, openEndpoint, receiveDelivery } from '../runtime/connectors/inbound-service'
import { errorResponses, ErrorSchema, jsonContent } from '../schemas/common'
import { CredentialParamsSchema } from '../schemas/credentials'
import { HookParamsSchema, InboundEndpointSchema, InboundStoredSchema } from '../schemas/inbound'

const tags = ['Inbound events']

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
export const inboundRoutes = new OpenAPIHono<OrgEnv>()
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
  request: { params: HookParamsSchema },
  responses: {
    200: jsonContent(InboundStoredSchema, 'Stored'),
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
