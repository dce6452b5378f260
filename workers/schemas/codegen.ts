import { z } from '@hono/zod-openapi'
import type { RunRow } from '../db/runs'
import type { StoredEvent } from '../runs/types'
import { fastapiPageOf, IdSchema } from './common'

/**
 * The Codegen spec's `images`: base64 data URIs, passed to the model as image parts. The 1 MiB body
 * limit bounds them (413 past it), which also keeps a run's spec within one Durable Object row.
 */
export const ImagesSchema = z.array(z.string().regex(/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/]+=*$/, 'each image must be a base64 data URI (data:image/png;base64,…)')).max(10)

/** The Codegen spec's shapes (specs/codegen-openapi.json). FastAPI ignores unknown fields, so do we. */
export const CreateAgentRunInputSchema = z
  .object({
    prompt: z.string().min(1).max(100_000),
    images: ImagesSchema.nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    repo_id: z.number().int().nullish(),
    model: z
      .string()
      .regex(/^([a-z-]+\/)?[\w.:@/-]{1,150}$/, 'model must be a model name (gpt-4o) or provider/model (openai/gpt-4o)')
      .nullish()
      .openapi({ description: "A bare name runs on the deployment's default provider; provider/model picks one", example: 'gpt-4o' }),
    agent_type: z.enum(['codegen', 'claude_code']).nullish(),
    agent_id: IdSchema.nullish().openapi({ description: 'agentplane: the agent to run (default: the system agent)' }),
  })
  .openapi('CreateAgentRunInput')

export const ResumeAgentRunInputSchema = z.object({ agent_run_id: z.number().int(), prompt: z.string().min(1).max(100_000), images: ImagesSchema.nullish() }).openapi('ResumeAgentRunInput')

export const SOURCE_TYPES = ['LOCAL', 'SLACK', 'GITHUB', 'GITHUB_CHECK_SUITE', 'GITHUB_PR_REVIEW', 'LINEAR', 'API', 'CHAT', 'JIRA', 'CLICKUP', 'MONDAY', 'SETUP_COMMANDS'] as const

export const AgentRunResponseSchema = z
  .object({
    id: z.number().int(),
    organization_id: z.number().int(),
    status: z.string().nullable(),
    created_at: z.string().nullable(),
    web_url: z.string().nullable(),
    result: z.string().nullable(),
    summary: z.string().nullable(),
    source_type: z.enum(SOURCE_TYPES).nullable(),
    github_pull_requests: z.array(z.unknown()).nullable(),
    metadata: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AgentRunResponse')

export const AgentRunPageSchema = fastapiPageOf(AgentRunResponseSchema, 'Page_AgentRunResponse_')

export const AgentRunLogSchema = z
  .object({
    agent_run_id: z.number().int(),
    created_at: z.string().nullable(),
    tool_name: z.string().nullable(),
    message_type: z.string().nullable(),
    thought: z.string().nullable(),
    observation: z.union([z.record(z.string(), z.unknown()), z.string()]).nullable(),
    tool_input: z.record(z.string(), z.unknown()).nullable(),
    tool_output: z.record(z.string(), z.unknown()).nullable(),
  })
  .openapi('AgentRunLogResponse')

export const AgentRunWithLogsSchema = AgentRunResponseSchema.omit({ summary: true, source_type: true, github_pull_requests: true })
  .extend({ logs: z.array(AgentRunLogSchema), total_logs: z.number().int().nullable(), page: z.number().int().nullable(), size: z.number().int().nullable(), pages: z.number().int().nullable() })
  .openapi('AgentRunWithLogsResponse')

/** What a Codegen polling client waits on: ACTIVE until COMPLETE / FAILED / CANCELLED; PAUSED for a question. */
export const CODEGEN_STATUS: Record<string, string> = {
  pending: 'ACTIVE',
  running: 'ACTIVE',
  interrupted: 'PAUSED',
  success: 'COMPLETE',
  error: 'FAILED',
  timeout: 'FAILED',
  cancelled: 'CANCELLED',
}

/** Channels shown as a Codegen source_type: sessions are CHAT, everything else came in over the API. */
export const sourceTypeOf = (channel: string): (typeof SOURCE_TYPES)[number] => (channel === 'session' ? 'CHAT' : 'API')

export function toAgentRun(r: RunRow, webUrl: string): z.infer<typeof AgentRunResponseSchema> {
  return {
    id: r.number,
    organization_id: r.orgId,
    status: CODEGEN_STATUS[r.status] ?? r.status,
    created_at: r.createdAt,
    web_url: webUrl,
    result: r.output ?? (r.errorMessage ? `Error: ${r.errorMessage}` : null),
    summary: r.name || null,
    source_type: sourceTypeOf(r.channel),
    github_pull_requests: [],
    metadata: r.metadata ?? null,
  }
}

const parse = (text: unknown): Record<string, unknown> | null => {
  if (typeof text !== 'string') return null
  try {
    const v: unknown = JSON.parse(text)
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : { value: v }
  } catch {
    return { text }
  }
}
const str = (v: unknown): string | null => (typeof v === 'string' ? v : v == null ? null : JSON.stringify(v))

/** One log line per meaningful event: assistant message, tool call, tool result, question, error, end. */
export function toAgentRunLog(runNumber: number, e: StoredEvent): z.infer<typeof AgentRunLogSchema> {
  const base = { agent_run_id: runNumber, created_at: e.created_at, tool_name: null, thought: null, observation: null, tool_input: null, tool_output: null }
  switch (e.type) {
    case 'message':
      return { ...base, message_type: 'ACTION', thought: str(e.data.content) }
    case 'tool_call':
      return { ...base, message_type: 'ACTION', tool_name: str(e.data.name), tool_input: parse(e.data.arguments) }
    case 'tool_result':
      return { ...base, message_type: 'OBSERVATION', tool_name: str(e.data.name), observation: str(e.data.result), tool_output: parse(e.data.result) }
    case 'artifact':
      return { ...base, message_type: 'ARTIFACT', tool_name: str(e.data.type), tool_output: { ...e.data } }
    case 'interrupt':
      return { ...base, message_type: 'USER_INPUT_REQUIRED', tool_name: 'request_form', thought: str(e.data.question) }
    case 'error':
      return { ...base, message_type: 'ERROR', thought: str(e.data.message) }
    default:
      return { ...base, message_type: 'FINAL_ANSWER', thought: str(e.data.output), observation: { ...e.data } }
  }
}
