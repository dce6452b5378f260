import { z } from '@hono/zod-openapi'
import { WEBHOOK_EVENTS } from '../db/schema'
import type { EndpointRow } from '../db/webhooks'
import { IdSchema, OrgParamsSchema } from './common'

export const WebhookParams = OrgParamsSchema.extend({ webhook_id: IdSchema.openapi({ param: { name: 'webhook_id', in: 'path' } }) })

export const WebhookEventsSchema = z.array(z.enum(WEBHOOK_EVENTS)).min(1).max(WEBHOOK_EVENTS.length)

export const WebhookUrlSchema = z.url({ protocol: /^https?$/ }).max(2048)

export const CreateWebhookSchema = z.strictObject({ url: WebhookUrlSchema, event_types: WebhookEventsSchema, secret: z.string().min(16).max(200).optional() }).openapi('CreateWebhookRequest')

export const PatchWebhookSchema = z.strictObject({ url: WebhookUrlSchema.optional(), event_types: WebhookEventsSchema.optional(), enabled: z.boolean().optional() }).openapi('PatchWebhookRequest')

export const WebhookSchema = z.object({ id: z.string(), url: z.string(), event_types: z.array(z.string()), enabled: z.boolean(), created_at: z.string() }).openapi('Webhook')

export const NewWebhookSchema = WebhookSchema.extend({ secret: z.string().openapi({ description: 'Shown once: verify x-agentplane-signature with it.' }) }).openapi('NewWebhook')

export const DeliverySchema = z
  .object({
    id: z.string(),
    event_type: z.string(),
    run_id: z.string(),
    status: z.enum(['pending', 'delivered', 'failed']),
    attempts: z.number().int(),
    last_status_code: z.number().int().nullable(),
    last_error: z.string().nullable(),
    created_at: z.string(),
    delivered_at: z.string().nullable(),
  })
  .openapi('WebhookDelivery')

export const toWebhook = (e: EndpointRow) => ({ id: e.id, url: e.url, event_types: e.eventTypes, enabled: e.enabled, created_at: e.createdAt })
