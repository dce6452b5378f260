import { z } from 'zod'
import { WEBHOOK_EVENTS } from '../db/schema'
import type { RunStatus } from './types'

/** The agent-runs queue message. */
export const RunMessageSchema = z.object({ run_id: z.string().min(1).max(64) })
export type RunMessage = z.infer<typeof RunMessageSchema>

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number]

/**
 * The webhook-deliveries queue: `event` fans a run's status change out to the org's endpoints,
 * `deliver` retries one delivery, `run` POSTs a finished run to its own callback (ACP `webhook`).
 */
export const WebhookMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), org_id: z.number().int(), run_id: z.string(), event: z.enum(WEBHOOK_EVENTS) }),
  z.object({ kind: z.literal('deliver'), delivery_id: z.string() }),
  z.object({ kind: z.literal('run'), run_id: z.string(), url: z.string() }),
])
export type WebhookMessage = z.infer<typeof WebhookMessageSchema>

/** Which org webhook event a run status change is, if any. */
export function eventOf(status: RunStatus): WebhookEvent | undefined {
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
