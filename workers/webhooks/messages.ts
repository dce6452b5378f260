import { z } from 'zod'
import { WEBHOOK_EVENTS } from '../db/schema'
import type { RunStatus } from '../runs/types'

/** The two kinds of message on the webhook-deliveries queue. */
export const WebhookMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), org_id: z.number().int(), run_id: z.string(), event: z.enum(WEBHOOK_EVENTS) }),
  z.object({ kind: z.literal('deliver'), delivery_id: z.string() }),
])
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>

/** Which org webhook event a run status change is, if any. */
export function eventOf(status: RunStatus): (typeof WEBHOOK_EVENTS)[number] | undefined {
  switch (status) {
    case 'success':
      return 'run.succeeded'
    case 'error':
    case 'timeout':
      return 'run.failed'
    case 'interrupted':
      return 'run.interrupted'
    case 'cancelled':
      return 'run.cancelled'
    default:
      return undefined
  }
}
