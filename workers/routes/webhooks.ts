import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as webhooksDb from '../db/webhooks'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { encryptSecret } from '../lib/crypto'
import { outboundRefusal } from '../lib/net-guard'
import { errorResponses, jsonBody, jsonContent, OrgParamsSchema, pageOf, PaginationQuerySchema } from '../schemas/common'
import { CreateWebhookSchema, DeliverySchema, NewWebhookSchema, PatchWebhookSchema, toWebhook, WebhookParams, WebhookSchema } from '../schemas/webhooks'
import { endpointSecretContext } from '../webhooks/consumer'
import { newWebhookSecret } from '../webhooks/sign'

const tags = ['Webhooks']
/** Webhooks never target private networks on deploy; local dev and tests opt in. */
function checkTarget(env: Env, url: string): void {
  const refused = outboundRefusal(env, url)
  if (refused) throw ApiError.invalid(['body', 'url'], `url is not allowed: ${refused}`, 'url_refused')
}

export const createWebhookRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/webhooks',
  tags,
  summary: 'Create a webhook endpoint (the secret is shown once)',
  request: { params: OrgParamsSchema, body: jsonBody(CreateWebhookSchema) },
  responses: { 201: jsonContent(NewWebhookSchema, 'The endpoint'), ...errorResponses },
})
export const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/webhooks',
  tags,
  summary: 'List webhook endpoints',
  request: { params: OrgParamsSchema, query: PaginationQuerySchema },
  responses: { 200: jsonContent(pageOf(WebhookSchema, 'WebhookList'), 'A page'), ...errorResponses },
})
export const getWebhookRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/webhooks/{webhook_id}',
  tags,
  summary: 'Get a webhook endpoint',
  request: { params: WebhookParams },
  responses: { 200: jsonContent(WebhookSchema, 'The endpoint'), ...errorResponses },
})
export const patchWebhookRoute = createRoute({
  method: 'patch',
  path: '/organizations/{org_id}/webhooks/{webhook_id}',
  tags,
  summary: 'Update a webhook endpoint',
  request: { params: WebhookParams, body: jsonBody(PatchWebhookSchema) },
  responses: { 200: jsonContent(WebhookSchema, 'The endpoint'), ...errorResponses },
})
export const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/webhooks/{webhook_id}',
  tags,
  summary: 'Delete a webhook endpoint and its delivery log',
  request: { params: WebhookParams },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
})
export const deliveriesRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/webhooks/{webhook_id}/deliveries',
  tags,
  summary: 'Delivery log, newest first',
  request: { params: WebhookParams, query: PaginationQuerySchema },
  responses: { 200: jsonContent(pageOf(DeliverySchema, 'WebhookDeliveries'), 'A page'), ...errorResponses },
})

export const webhookRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createWebhookRoute, async (c) => {
    const body = c.req.valid('json')
    checkTarget(c.env, body.url)
    const key = c.env.ENCRYPTION_KEY
    if (!key) throw new Error('ENCRYPTION_KEY is not configured')
    const id = crypto.randomUUID()
    const secret = body.secret ?? newWebhookSecret()
    const row = await webhooksDb.createEndpoint(c.var.db, {
      id,
      orgId: c.var.orgId,
      url: body.url,
      eventTypes: body.event_types,
      secretCiphertext: await encryptSecret(key, secret, endpointSecretContext(c.var.orgId, id)),
    })
    return c.json({ ...toWebhook(row), secret }, 201)
  })
  .openapi(listWebhooksRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const page = await webhooksDb.listEndpoints(c.var.db, c.var.orgId, limit, offset)
    return c.json({ items: page.items.map(toWebhook), total: page.total, limit, offset }, 200)
  })
  .openapi(getWebhookRoute, async (c) => c.json(toWebhook(await webhooksDb.getEndpoint(c.var.db, c.var.orgId, c.req.valid('param').webhook_id)), 200))
  .openapi(patchWebhookRoute, async (c) => {
    const current = await webhooksDb.getEndpoint(c.var.db, c.var.orgId, c.req.valid('param').webhook_id)
    const body = c.req.valid('json')
    if (body.url) checkTarget(c.env, body.url)
    const row = await webhooksDb.updateEndpoint(c.var.db, current.id, {
      ...(body.url ? { url: body.url } : {}),
      ...(body.event_types ? { eventTypes: body.event_types } : {}),
      ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
    })
    return c.json(toWebhook(row), 200)
  })
  .openapi(deleteWebhookRoute, async (c) => {
    const current = await webhooksDb.getEndpoint(c.var.db, c.var.orgId, c.req.valid('param').webhook_id)
    await webhooksDb.deleteEndpoint(c.var.db, current.id)
    return c.body(null, 204)
  })
  .openapi(deliveriesRoute, async (c) => {
    const current = await webhooksDb.getEndpoint(c.var.db, c.var.orgId, c.req.valid('param').webhook_id)
    const { limit, offset } = c.req.valid('query')
    const page = await webhooksDb.listDeliveries(c.var.db, current.id, limit, offset)
    const items = page.items.map((d) => ({
      id: d.id,
      event_type: d.eventType,
      run_id: d.runId,
      status: d.status,
      attempts: d.attempts,
      last_status_code: d.lastStatusCode,
      last_error: d.lastError,
      created_at: d.createdAt,
      delivered_at: d.deliveredAt,
    }))
    return c.json({ items, total: page.total, limit, offset }, 200)
  })
