import { z } from '@hono/zod-openapi'
import type { RunRow } from '../db/runs'
import { RUN_STATUSES, type RunSnapshot } from '../runs/types'

export const UsageSchema = z.object({ prompt_tokens: z.number().int(), completion_tokens: z.number().int(), total_tokens: z.number().int() }).openapi('Usage')
export const CostsSchema = z.object({ prompt: z.number(), completion: z.number(), services: z.number(), total: z.number(), currency: z.string() }).openapi('Costs')

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

/** A run in the Agents API: the D1 row (updated at every state change). */
export const RunSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    org_id: z.number().int(),
    agent_id: z.string(),
    agent_version: z.number().int(),
    thread_id: z.string().nullable(),
    channel: z.string(),
    name: z.string(),
    status: z.enum(RUN_STATUSES),
    model: z.string(),
    input: z.string(),
    output: z.string().nullable(),
    error: z.object({ code: z.string(), message: z.string().nullable() }).nullable(),
    usage: UsageSchema,
    costs: CostsSchema,
    time_to_first_token_ms: z.number().int().nullable(),
    user_identifier: z.string().nullable(),
    group_identifier: z.string().nullable(),
    ip_address: z.string().nullable(),
    user_agent: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
    created_at: z.string(),
    started_at: z.string().nullable(),
    ended_at: z.string().nullable(),
  })
  .openapi('Run')
export type Run = z.infer<typeof RunSchema>

export const usageOfRow = (r: RunRow) => ({ prompt_tokens: r.promptTokens, completion_tokens: r.completionTokens, total_tokens: r.totalTokens })
export const costsOfRow = (r: RunRow) => ({ prompt: r.costPrompt, completion: r.costCompletion, services: r.costServices, total: r.costTotal, currency: r.currency })

export const toRun = (r: RunRow): Run => ({
  id: r.id,
  number: r.number,
  org_id: r.orgId,
  agent_id: r.agentId,
  agent_version: r.agentVersion,
  thread_id: r.threadId,
  channel: r.channel,
  name: r.name,
  status: r.status as Run['status'],
  model: r.model,
  input: r.input,
  output: r.output,
  error: r.errorCode ? { code: r.errorCode, message: r.errorMessage } : null,
  usage: usageOfRow(r),
  costs: costsOfRow(r),
  time_to_first_token_ms: r.timeToFirstTokenMs,
  user_identifier: r.userIdentifier,
  group_identifier: r.groupIdentifier,
  ip_address: r.ipAddress,
  user_agent: r.userAgent,
  metadata: r.metadata ?? null,
  created_at: r.createdAt,
  started_at: r.startedAt,
  ended_at: r.endedAt,
})
