import { z } from '@hono/zod-openapi'

export const InboundEndpointSchema = z
  .object({
    credential_id: z.string(),
    service: z.string(),
    url: z.string().openapi({ description: 'Secret URL: give it to Telegram setWebhook or a GitHub webhook. Shown once.' }),
    secret: z.string().openapi({ description: 'Telegram secret_token / GitHub webhook secret / X-Inbound-Secret. Shown once.' }),
    created_at: z.string(),
  })
  .openapi('InboundEndpoint')

/** The secret URL token: 256 random bits, URL-safe base64 (43 characters). */
export const HookParamsSchema = z.object({
  token: z
    .string()
    .min(20)
    .max(100)
    .openapi({ param: { name: 'token', in: 'path' } }),
})

export const InboundStoredSchema = z.object({ ok: z.boolean(), id: z.string(), type: z.string() }).openapi('InboundStored')
