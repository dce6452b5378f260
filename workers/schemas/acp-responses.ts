import { z } from '@hono/zod-openapi'
import type { Json } from '../runs/types'

/**
 * Response shapes of ACP 0.2.3 (test/specs/acp-openapi-0.2.3.json), as the OpenAPI document
 * shows them; routes/acp/present.ts builds them and test/acp.test.ts validates every body
 * against the upstream spec.
 */

/** Any JSON value, typed as the engine's Json (zod's z.json() infers a different, unrelated type). */
export const JsonSchema: z.ZodType<Json> = z.lazy(() => z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(JsonSchema), z.record(z.string(), JsonSchema)])).openapi('Json')
/** JSON-valued fields the spec leaves open (metadata, values, JSON Schemas of a descriptor). */
export const JsonRecord = z.record(z.string(), JsonSchema)
const AcpStatusSchema = z.enum(['pending', 'interrupted', 'success', 'error', 'timeout'])

export const AcpMessageSchema = z.object({ role: z.string(), content: z.string() }).openapi('Message')

export const AcpAgentSchema = z
  .object({
    agent_id: z.string(),
    metadata: z.object({ ref: z.object({ name: z.string(), version: z.string() }), description: z.string() }),
  })
  .openapi('Agent')

export const AcpDescriptorSchema = AcpAgentSchema.extend({
  specs: z.object({
    capabilities: z.object({ threads: z.boolean(), interrupts: z.boolean(), callbacks: z.boolean(), streaming: z.object({ values: z.boolean(), custom: z.boolean() }) }),
    input: JsonRecord,
    output: JsonRecord,
    config: JsonRecord,
    thread_state: JsonRecord,
    interrupts: z.array(z.object({ interrupt_type: z.string(), interrupt_payload: JsonRecord, resume_payload: JsonRecord })),
    custom_streaming_update: JsonRecord,
  }),
}).openapi('AgentACPDescriptor')

const ThreadStatusSchema = z.enum(['idle', 'busy', 'interrupted', 'error'])

export const AcpThreadSchema = z
  .object({
    thread_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    metadata: JsonRecord,
    status: ThreadStatusSchema,
    values: z.object({ output: z.string().nullable(), messages: z.array(AcpMessageSchema) }),
    messages: z.array(AcpMessageSchema),
  })
  .openapi('Thread')

/** A search hit: the thread as D1 mirrors it (no messages: they live in the ThreadObject). */
export const AcpThreadHitSchema = AcpThreadSchema.omit({ values: true, messages: true }).extend({ values: JsonRecord }).openapi('ThreadSearchHit')

export const AcpThreadStateSchema = z
  .object({
    checkpoint: z.object({ checkpoint_id: z.string() }),
    values: z.object({ messages: z.array(AcpMessageSchema) }),
    messages: z.array(AcpMessageSchema),
    metadata: z.object({ run_id: z.string(), created_at: z.string() }),
  })
  .openapi('ThreadState')

export const AcpRunSchema = z
  .object({
    run_id: z.string(),
    thread_id: z.string().optional().openapi({ description: 'Stateful runs only' }),
    agent_id: z.string(),
    created_at: z.string(),
    updated_at: z.string(),
    status: AcpStatusSchema,
    creation: JsonRecord.openapi({ description: 'The request that created the run' }),
  })
  .openapi('Run')

export const AcpRunOutputSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('result'), values: z.object({ output: z.string().nullable() }), messages: z.array(AcpMessageSchema) }),
    z.object({
      type: z.literal('interrupt'),
      interrupt: z.object({ interrupt_type: z.string(), question: z.string(), fields: JsonSchema, tool_call_id: z.string() }),
    }),
    z.object({ type: z.literal('error'), run_id: z.string(), errcode: z.number().int(), description: z.string() }),
  ])
  .openapi('RunOutput')

export const AcpRunWaitSchema = z.object({ run: AcpRunSchema, output: AcpRunOutputSchema.optional() }).openapi('RunWaitResponse')

/** A 200 with its JSON schema: the one response helper of the ACP routes. */
export const acpOk = <T extends z.ZodType>(schema: T, description: string) => ({ 200: { description, content: { 'application/json': { schema } } } })
