import { z } from 'zod'
import type { Env } from '../../env'
import type { JsonObject, RunSpec } from '../../runs/types'

/** What a deployment may lack; each maps to a binding (or a configured provider) in `capabilityOf`. */
export const CAPABILITIES = ['AI', 'BROWSER', 'SANDBOX', 'SEARCH', 'FILES'] as const
export type Capability = (typeof CAPABILITIES)[number]

/** The seed's five description blocks, in order; the purpose is the text before the first label. */
export const BLOCK_LABELS = {
  when_to_use: 'Когда использовать:',
  when_not_to_use: 'Когда НЕ использовать:',
  key_constraints: 'Key constraints:',
  result_interpretation: 'Result interpretation:',
} as const

/** One entry of config/prompts/tools.yaml: seed 003's descriptor format plus `group` and `requires`. */
export const ToolDescriptorSchema = z.strictObject({
  display_name: z.string().min(1),
  group: z.string().min(1),
  description: z.string().min(1),
  category: z.enum(['read', 'write', 'external', 'llm', 'code_execution']),
  result_type: z.enum(['authoritative', 'contextual', 'action', 'metadata', 'status']),
  timeout_ms: z.number().int().min(0),
  is_mutating: z.boolean(),
  is_idempotent: z.boolean(),
  is_query_tool: z.boolean(),
  synthesis: z.strictObject({ prefix: z.string().min(1) }),
  examples: z.array(z.record(z.string(), z.unknown())),
  schema_overrides: z.strictObject({ require_fields: z.array(z.string()).default([]), strip_null_fields: z.array(z.string()).default([]) }),
  requires: z
    .strictObject({
      /** One binding, or several that must all be bound (media tools need AI and FILES). */
      capability: z.union([z.enum(CAPABILITIES), z.array(z.enum(CAPABILITIES)).min(1)]).optional(),
      /** The agent allows at least one connector. */
      connector: z.boolean().optional(),
      /** The agent has a credential granted. */
      grant: z.boolean().optional(),
      /** One of these connectors is allowed (and, with `grant`, a credential of its service granted). */
      connector_keys: z.array(z.string()).optional(),
    })
    .default({}),
})
export type ToolDescriptor = z.infer<typeof ToolDescriptorSchema>

export interface DescriptionBlocks {
  purpose: string
  when_to_use: string
  when_not_to_use: string
  key_constraints: string
  result_interpretation: string
}

/** What the agent can use, decided per run (and per agent in the catalog API). */
export interface AccessContext {
  env: Env
  connectors: readonly string[]
  /** Services of the credentials granted to the agent. */
  grantedServices: readonly string[]
  /** The org has its own search provider (PUT …/search-settings). */
  orgSearch?: boolean
}

export interface ToolContext {
  env: Env
  spec: RunSpec
  /** Aborted when the run stops or the tool's timeout_ms passes. */
  signal: AbortSignal
  /** The model's id of this call: stable across re-runs of the same step. */
  callId: string
  /** Emits typed events into the run's stream: artifacts, or usage spent on the run's behalf (sub-agents). */
  emit(type: 'artifact' | 'usage', data: JsonObject): Promise<void>
}

export type ToolOutcome =
  | { kind: 'result'; result: string }
  | { kind: 'interrupt'; question: string; fields: JsonObject[]; connect?: string }
  | { kind: 'exit'; answer: string; files?: string[] }
  /** Not done yet (sub-agents still running): release the run for delayMs, then call the tool again. */
  | { kind: 'defer'; delayMs: number; reason: string }

/**
 * An executor: the zod input schema (sent to the model as JSON Schema) and the code. Its
 * display name, description and limits come from its descriptor in config/prompts/tools.yaml;
 * `description` and `metadata` here are ignored (kept optional so older executors still compile).
 */
export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string
  input: S
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolOutcome>
  description?: string
  metadata?: unknown
}

export const defineTool = <S extends z.ZodType>(tool: Tool<S>): Tool<S> => tool

/** A failure the model should see and can act on (bad path, refused URL): becomes the tool result. */
export class ToolError extends Error {
  override readonly name = 'ToolError'
}

/** @deprecated descriptors live in config/prompts/tools.yaml; kept so executors written before it compile. */
export type ToolMetadata = Pick<ToolDescriptor, 'display_name' | 'category' | 'result_type' | 'timeout_ms' | 'is_mutating' | 'is_idempotent' | 'is_query_tool'>

/** @deprecated see ToolMetadata. */
export const describe = (b: { purpose: string; when: string; whenNot: string; constraints: string; result: string }): string =>
  [b.purpose, `When to use: ${b.when}`, `When NOT to use: ${b.whenNot}`, `Key constraints: ${b.constraints}`, `Result interpretation: ${b.result}`].join('\n')
