import { z } from '@hono/zod-openapi'
import { RUN_STATUSES, type RunSnapshot } from '../runs/types'

export const UsageSchema = z
  .object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() })
  .openapi('Usage')
export const CostsSchema = z
  .object({ prompt: z.number(), completion: z.number(), services: z.number(), total: z.number(), currency: z.string() })
  .openapi('Costs')

export const TurnSchema = z
  .object({
    turn_id: z.string(),
    session_id: z.string().nullable(),
    status: z.enum(RUN_STATUSES),
    output: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    interrupt: z.object({ tool_call_id: z.string(), question: z.string(), fields: z.unknown() }).nullable(),
    usage: UsageSchema,
    costs: CostsSchema,
    time_to_first_token_ms: z.number().int().nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
    last_event_id: z.number().int(),
  })
  .openapi('Turn')

export const toTurn = (s: RunSnapshot): z.infer<typeof TurnSchema> => ({
  turn_id: s.run_id,
  session_id: s.thread_id,
  status: s.status,
  output: s.output,
  error: s.error,
  interrupt: s.interrupt,
  usage: s.usage,
  costs: s.costs,
  time_to_first_token_ms: s.time_to_first_token_ms,
  created_at: s.created_at,
  started_at: s.started_at,
  ended_at: s.ended_at,
  last_event_id: s.last_seq,
})

export const TimeoutSecondsSchema = z.number().int().min(1).max(3600)
