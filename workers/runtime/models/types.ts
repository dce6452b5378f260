import type { ChatMessage, ToolCall, Usage } from '../../runs/types'

export interface ToolSpec {
  name: string
  description: string
  parameters: Record<string, unknown>
}

export interface ModelRequest {
  /** The part after `provider/`. */
  model: string
  messages: ChatMessage[]
  tools: ToolSpec[]
  signal: AbortSignal
  /** 1 on the first delivery of the run, higher on retries (the dev model's /crash uses it). */
  attempt: number
}

export type ModelChunk = { type: 'text'; text: string } | { type: 'tool_call'; call: ToolCall } | { type: 'usage'; usage: Usage }

export interface ModelProvider {
  stream(req: ModelRequest): AsyncIterable<ModelChunk>
}

/**
 * A model failure. `retryable` ones (429, 5xx, network) go back to the queue after
 * `retryAfterMs` (the provider's Retry-After when it sent one) and resume from the checkpoint;
 * the others fail the run with `code`.
 */
export class ModelError extends Error {
  override readonly name = 'ModelError'
  constructor(
    readonly code: 'rate_limited' | 'upstream_error' | 'bad_response' | 'model_error' | 'config_error',
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message)
  }
}
