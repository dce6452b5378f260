import type { z } from 'zod'
import type { Env } from '../../env'
import type { JsonObject, RunSpec } from '../../runs/types'

/** Seed 003's tool descriptor metadata. */
export interface ToolMetadata {
  display_name: string
  category: 'read' | 'write' | 'external' | 'llm' | 'code_execution'
  result_type: 'authoritative' | 'contextual' | 'action' | 'metadata' | 'status'
  timeout_ms: number
  is_mutating: boolean
  is_idempotent: boolean
  is_query_tool: boolean
}

/** The five blocks every description has, in the seed's order; the model reads them verbatim. */
export interface FiveBlocks {
  purpose: string
  when: string
  whenNot: string
  constraints: string
  result: string
}

export const describe = (b: FiveBlocks): string =>
  [b.purpose, `When to use: ${b.when}`, `When NOT to use: ${b.whenNot}`, `Key constraints: ${b.constraints}`, `Result interpretation: ${b.result}`].join('\n')

export interface ToolContext {
  env: Env
  spec: RunSpec
  signal: AbortSignal
  /** Emits typed events (artifacts) into the run's stream. */
  emit(type: 'artifact', data: JsonObject): Promise<void>
}

export type ToolOutcome = { kind: 'result'; result: string } | { kind: 'interrupt'; question: string; fields: JsonObject[] } | { kind: 'exit'; answer: string }

export interface Tool<S extends z.ZodType = z.ZodType> {
  name: string
  description: string
  input: S
  metadata: ToolMetadata
  run(args: z.infer<S>, ctx: ToolContext): Promise<ToolOutcome>
}

export const defineTool = <S extends z.ZodType>(tool: Tool<S>): Tool<S> => tool

/** A failure the model should see and can act on (bad path, refused URL): becomes the tool result. */
export class ToolError extends Error {
  override readonly name = 'ToolError'
}
