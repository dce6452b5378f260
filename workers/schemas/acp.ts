import { z } from '@hono/zod-openapi'
import type { Json } from '../runs/types'

/**
 * Any JSON in a request body. Not the recursive JsonSchema of the responses: zod would recurse once
 * per level and a deeply nested body would overflow the stack (a 500); the body is JSON already
 * (it was parsed), and the dialect's defaultHook refuses nesting past MAX_DEPTH with a 422.
 */
const JsonSchema = z.custom<Json>(() => true).openapi({ description: 'Any JSON value', type: ['object', 'array', 'string', 'number', 'boolean', 'null'] })
const JsonRecord = z.record(z.string(), JsonSchema)

/** Request shapes of ACP 0.2.3 (specs/acp-openapi-0.2.3.json); response shapes: ./acp-responses.ts. */
const Metadata = JsonRecord
const StreamMode = z.enum(['values', 'custom'])
const Uuid = z.uuid()

/** ACP `input`: any JSON. agentplane reads the text to run from it (see inputText). */
const AnyJson = z.union([JsonRecord, z.string(), z.number(), z.boolean(), z.array(JsonSchema)])

const Model = z.string().max(200).describe('provider/model, or a bare name on the default provider')
const TimeoutSeconds = z.number().int().min(1).max(3600)

/**
 * ACP `config` as LangGraph-style clients send it; the agent descriptor's `specs.config` is this
 * schema. `configurable` is the agent's own settings (strict: an unknown key is a 422 naming it);
 * other top-level keys of a RunnableConfig (run_name, callbacks…) are accepted and ignored.
 */
export const RunConfigSchema = z
  .object({
    tags: z.array(z.string().min(1).max(64)).max(20).optional().describe('Stored with the run; POST /runs/search filters by them'),
    recursion_limit: z.number().int().min(1).max(100).optional().describe('Most model steps the run may take (default 25)'),
    configurable: z
      .strictObject({
        model: Model.optional(),
        timeout_seconds: TimeoutSeconds.optional(),
        instructions: z.string().max(10_000).optional().describe("Added to the agent's system prompt for this run"),
      })
      .optional(),
    timeout_seconds: TimeoutSeconds.optional().describe('Alias of configurable.timeout_seconds'),
    model: Model.optional().describe('Alias of configurable.model'),
  })
  .catchall(JsonSchema)

const RunCreate = z.object({
  agent_id: z.string().max(64).nullish(),
  input: AnyJson.nullish(),
  metadata: Metadata.nullish(),
  config: RunConfigSchema.nullish(),
  webhook: z
    .url({ protocol: /^https?$/ })
    .max(2048)
    .nullish(),
  stream_mode: z.union([StreamMode, z.array(StreamMode)]).nullish(),
  on_disconnect: z.enum(['cancel', 'continue']).default('cancel'),
  multitask_strategy: z.enum(['reject', 'rollback', 'interrupt', 'enqueue']).default('reject'),
  after_seconds: z.number().int().min(0).max(86_400).nullish(),
})

export const RunCreateStatefulSchema = RunCreate.extend({
  stream_subgraphs: z.boolean().default(false),
  if_not_exists: z.enum(['create', 'reject']).default('reject'),
}).openapi('RunCreateStateful')
export type RunCreateStateful = z.infer<typeof RunCreateStatefulSchema>

export const RunCreateStatelessSchema = RunCreate.extend({
  on_completion: z.enum(['delete', 'keep']).default('delete'),
}).openapi('RunCreateStateless')
export type RunCreateStateless = z.infer<typeof RunCreateStatelessSchema>

export const AgentSearchSchema = z
  .object({ name: z.string().max(200).optional(), version: z.string().max(50).optional(), limit: z.number().int().min(1).max(1000).default(10), offset: z.number().int().min(0).default(0) })
  .openapi('AgentSearchRequest')

export const ThreadCreateSchema = z.object({ thread_id: Uuid.optional(), metadata: Metadata.optional(), if_exists: z.enum(['raise', 'do_nothing']).default('raise') }).openapi('ThreadCreate')

const MessageSchema = z.object({ role: z.string().min(1), content: z.union([z.string(), z.array(JsonSchema)]), id: z.string().optional(), metadata: Metadata.optional() })

export const ThreadPatchSchema = z
  .object({
    checkpoint: z.object({ checkpoint_id: z.string() }).optional(),
    metadata: Metadata.optional(),
    values: z
      .object({ messages: z.array(MessageSchema).optional() })
      .catchall(JsonSchema)
      .optional(),
    messages: z.array(MessageSchema).optional(),
  })
  .openapi('ThreadPatch')

export const ThreadSearchSchema = z
  .object({
    metadata: Metadata.optional(),
    values: Metadata.optional(),
    status: z.enum(['idle', 'busy', 'interrupted', 'error']).optional(),
    limit: z.number().int().min(1).max(1000).default(10),
    offset: z.number().int().min(0).default(0),
  })
  .openapi('ThreadSearchRequest')

export const RunSearchSchema = z
  .object({
    agent_id: z.string().max(64).optional(),
    status: z.enum(['pending', 'error', 'success', 'timeout', 'interrupted']).optional(),
    metadata: Metadata.optional(),
    tags: z.array(z.string().min(1).max(64)).max(20).optional().openapi({ description: 'agentplane: runs whose config.tags hold all of these' }),
    limit: z.number().int().min(1).max(1000).default(10),
    offset: z.number().int().min(0).default(0),
  })
  .openapi('RunSearchRequest')

export const ResumePayloadSchema = AnyJson.openapi('ResumePayloadSchema')

export const HistoryQuerySchema = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(10), before: z.string().max(64).optional() })

export const ThreadParams = z.object({
  thread_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'thread_id', in: 'path' } }),
})
export const RunParams = z.object({
  run_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'run_id', in: 'path' } }),
})
export const ThreadRunParams = ThreadParams.extend(RunParams.shape)
export const AgentParams = z.object({
  agent_id: z
    .string()
    .max(64)
    .openapi({ param: { name: 'agent_id', in: 'path' } }),
})

/**
 * The text a run starts from: a string input as is; an object's `input`/`message`/`query`/`prompt`
 * string, or the content of its last message in `messages`; anything else as JSON.
 */
export function inputText(input: unknown): string {
  if (typeof input === 'string') return input
  if (input && typeof input === 'object' && !Array.isArray(input)) {
    const o = input as Record<string, unknown>
    for (const k of ['input', 'message', 'query', 'prompt']) if (typeof o[k] === 'string') return o[k]
    if (Array.isArray(o.messages)) {
      const last = o.messages.at(-1) as { content?: unknown } | undefined
      if (typeof last?.content === 'string') return last.content
    }
  }
  return input === undefined || input === null ? '' : JSON.stringify(input)
}
