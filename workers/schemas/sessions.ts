import { z } from '@hono/zod-openapi'
import { IdSchema } from './common'
import { TimeoutSecondsSchema } from './runs'

export const StartTurnSchema = z
  .strictObject({
    message: z.string().min(1).max(100_000).openapi({ example: 'Какие SKU за неделю упали по продажам сильнее всего?' }),
    agent_id: IdSchema.optional(),
    session_id: IdSchema.optional(),
    org_id: z.number().int().positive().optional().openapi({ description: 'Needed only when the key belongs to several organizations and neither agent_id nor session_id says which.' }),
    timeout_seconds: TimeoutSecondsSchema.optional(),
  })
  .openapi('StartTurnRequest')

export const StartedSchema = z.object({ session_id: z.string(), turn_id: z.string(), status: z.enum(['started', 'queued']) }).openapi('TurnStarted')

export const SessionSchema = z
  .object({
    session_id: z.string(),
    org_id: z.number().int(),
    agent_id: z.string().nullable(),
    status: z.enum(['idle', 'busy', 'interrupted', 'error']),
    active_turn: z.string().nullable(),
    queued_turns: z.array(z.string()),
    messages: z.array(z.object({ role: z.string(), content: z.string().nullable() }).passthrough()),
    turns: z.array(z.object({ turn_id: z.string(), status: z.string(), input: z.string(), created_at: z.string() })),
    created_at: z.string(),
  })
  .openapi('Session')

export const SessionParams = z.object({ session_id: IdSchema.openapi({ param: { name: 'session_id', in: 'path' } }) })

export const TurnParams = SessionParams.extend({ turn_id: IdSchema.openapi({ param: { name: 'turn_id', in: 'path' } }) })

export const ResumeSchema = z.strictObject({ answer: z.string().min(1).max(100_000) }).openapi('ResumeTurnRequest')

export const WaitQuery = z.object({ timeout: z.coerce.number().min(0).max(300).default(30) })
