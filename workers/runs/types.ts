/**
 * Plain JSON shapes that cross Durable Object RPC. Interfaces, not zod inferences: RPC result
 * types must stay shallow (TS2589 otherwise) and carry no class instances.
 */
export type Json = null | boolean | number | string | JsonArray | JsonObject
export interface JsonArray extends Array<Json> {}
export interface JsonObject {
  [key: string]: Json
}

export const RUN_STATUSES = ['pending', 'running', 'interrupted', 'success', 'error', 'cancelled', 'timeout'] as const
export type RunStatus = (typeof RUN_STATUSES)[number]
export const TERMINAL: readonly RunStatus[] = ['success', 'error', 'cancelled', 'timeout']
export const isTerminal = (s: RunStatus): boolean => TERMINAL.includes(s)

/** Allowed transitions; anything else is refused by RunObject. */
export const TRANSITIONS: Record<RunStatus, readonly RunStatus[]> = {
  pending: ['running', 'cancelled', 'timeout', 'error'],
  running: ['interrupted', 'success', 'error', 'cancelled', 'timeout', 'running'],
  interrupted: ['running', 'cancelled', 'timeout', 'error'],
  success: [],
  error: [],
  cancelled: [],
  timeout: [],
}

export const EVENT_TYPES = ['status', 'message_delta', 'message', 'tool_call', 'tool_result', 'artifact', 'interrupt', 'usage', 'error', 'done'] as const
export type EventType = (typeof EVENT_TYPES)[number]

export interface RunEvent {
  type: EventType
  data: JsonObject
  /** Idempotency key: appending an event whose key exists is a no-op (retried steps). */
  key?: string
}

export interface StoredEvent {
  seq: number
  type: EventType
  data: JsonObject
  created_at: string
}

/** A chat message as the loop and the models see it (OpenAI Chat Completions shape). */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant' | 'tool'
  content: string | null
  /** A user message's images (data URIs or URLs): image parts for vision models. */
  images?: string[]
  tool_calls?: ToolCall[]
  tool_call_id?: string
  name?: string
}

export interface ToolCall {
  id: string
  name: string
  /** JSON text, as the model produced it */
  arguments: string
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export interface Costs {
  prompt: number
  completion: number
  services: number
  total: number
  currency: string
}

/** USD per 1M tokens, pinned into the run spec when the run is created. */
export interface Prices {
  prompt: number
  completion: number
}

/** Everything the loop needs, fixed when the run is created (the agent version is pinned). */
export interface RunSpec {
  run_id: string
  run_number: number
  org_id: number
  agent_id: string
  agent_version: number
  thread_id: string | null
  /** The first run of a thread created with it: the thread has no history to read while it is active. */
  new_thread?: boolean
  channel: string
  model: string
  /** The model's prices at creation: the RunObject computes costs without importing the price list. */
  prices: Prices
  system_prompt: string | null
  connectors: string[]
  input: string
  /** Images sent with the input (base64 data URIs), given to the model as image parts. */
  images?: string[]
  /** Whose memory files the memory tools read and write. */
  user_key: string
  max_steps: number
  timeout_ms: number
  /** POSTed the run's result when it ends (ACP `webhook`), retried. */
  webhook: string | null
  /** What the org may still spend this month when the run was created; the run stops past it. */
  budget_remaining_usd: number | null
  schedule_id: string | null
  /**
   * Read by the creation statement (grants, search provider, webhook endpoints) and trusted while fresh:
   * by a run's first claim within CONTEXT_FRESH_MS of `at_ms`, and by its outbox within that bound. A
   * resumed, retried or delayed run reads D1 again. Absent in specs from before it existed.
   */
  context?: { at_ms: number; granted_services: string[]; org_search: boolean; org_hooks: boolean }
}

/** How long a run trusts the context read at its creation (the same bound as the auth cache). */
export const CONTEXT_FRESH_MS = 5_000

/** The run's creation-time context, while it is fresh enough to stand for D1. */
export const freshContext = (spec: RunSpec, now = Date.now()): RunSpec['context'] => (spec.context && now - spec.context.at_ms < CONTEXT_FRESH_MS ? spec.context : undefined)

export interface PendingInterrupt {
  tool_call_id: string
  question: string
  fields: Json
}

/** Why a run failed: a stable code (`timeout`, `budget_exceeded`, `upstream_unavailable`…) and a message. */
export type RunError = { code: string; message: string } // a type, not an interface: it travels inside JSON event data

export interface RunSnapshot {
  run_id: string
  status: RunStatus
  output: string | null
  error: RunError | null
  interrupt: PendingInterrupt | null
  usage: Usage
  costs: Costs
  time_to_first_token_ms: number | null
  created_at: string
  started_at: string | null
  ended_at: string | null
  last_seq: number
  thread_id: string | null
}

/** What a consumer gets from claim(): where to resume. */
export type ClaimResult =
  | { ok: true; spec: RunSpec; messages: ChatMessage[]; step: number; tool_results: Record<string, string>; attempt: number }
  | { ok: false; reason: 'terminal' | 'interrupted' | 'not_found' }
  | { ok: false; reason: 'leased'; retry_in_ms: number }

/** Answer to every write a consumer makes: `stop` means cancel/timeout/lost lease — abort the work. */
export type WriteResult = { ok: true } | { ok: false; stop: true; status: RunStatus }

export type ThreadStatus = 'idle' | 'busy' | 'interrupted' | 'error'

/** ACP multitask strategy: what a thread does with a run that arrives while another is active. */
export type MultitaskStrategy = 'reject' | 'enqueue' | 'interrupt' | 'rollback'

/** ThreadObject's decision on a new run. */
export type Admission = { action: 'start' } | { action: 'queued'; position: number } | { action: 'rejected'; active_run: string } | { action: 'creating' }

export interface ThreadState {
  thread_id: string
  exists: boolean
  status: ThreadStatus
  active_run: string | null
  queued_runs: string[]
  messages: ChatMessage[]
  last_output: string | null
}

export interface Checkpoint {
  checkpoint_id: string
  run_id: string
  created_at: string
  messages: ChatMessage[]
}

/** What a run tells its thread on every status change; a success brings the turn's messages. */
export interface RunChange {
  run_id: string
  status: RunStatus
  output: string | null
  messages: ChatMessage[]
}

/** A thread's state as its D1 row shows it; `version` orders mirror writes (an older one never lands). */
export interface ThreadMirror {
  thread_id: string
  status: ThreadStatus
  last_output: string | null
  version: number
}
