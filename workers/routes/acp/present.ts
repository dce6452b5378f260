import { z } from 'zod'
import type { AgentRow } from '../../db/agents'
import { RunConfigSchema } from '../../schemas/acp'
import type { RunRow, ThreadRow } from '../../db/runs'
import { ACP_STATUS, runOutput } from './result'
import type { ChatMessage, Checkpoint, JsonObject, RunSnapshot, RunStatus, ThreadState } from '../../runs/types'

/** Response shapes of ACP 0.2.3, from agentplane rows and snapshots. */

export const acpVersion = (version: number) => `${version}.0.0`

export const toAcpAgent = (a: AgentRow) => ({
  agent_id: a.id,
  metadata: { ref: { name: a.code, version: acpVersion(a.version) }, description: a.description ?? a.name },
})

const MESSAGE = { type: 'object', required: ['role', 'content'], properties: { role: { type: 'string' }, content: { type: 'string' } } }

/** The descriptor's `specs.config`: the JSON Schema of the zod schema that validates `config`. */
const CONFIG_SCHEMA = z.toJSONSchema(RunConfigSchema, { io: 'input', unrepresentable: 'any' }) as unknown as JsonObject

/** What every agentplane agent accepts, returns and can be asked, as ACP schema objects. */
export const toDescriptor = (a: AgentRow) => ({
  ...toAcpAgent(a),
  specs: {
    capabilities: { threads: true, interrupts: true, callbacks: true, streaming: { values: true, custom: true } },
    input: {
      description: 'A string, or an object with `input` (or `message`/`query`/`prompt`), or `messages` whose last content is the new message.',
      oneOf: [{ type: 'string' }, { type: 'object', properties: { input: { type: 'string' }, messages: { type: 'array', items: MESSAGE } } }],
    },
    output: { type: 'object', properties: { output: { type: ['string', 'null'] } } },
    config: CONFIG_SCHEMA,
    thread_state: { type: 'object', properties: { output: { type: ['string', 'null'] }, messages: { type: 'array', items: MESSAGE } } },
    interrupts: [
      {
        interrupt_type: 'question',
        interrupt_payload: { type: 'object', required: ['question'], properties: { interrupt_type: { const: 'question' }, question: { type: 'string' }, fields: { type: 'array' } } },
        resume_payload: { description: 'The answer: a string, or any JSON (sent to the agent as JSON text).' },
      },
    ],
    custom_streaming_update: {
      type: 'object',
      required: ['event'],
      properties: { event: { enum: ['message_delta', 'message', 'tool_call', 'tool_result', 'artifact', 'usage'] } },
    },
  },
})

const wireMessages = (messages: ChatMessage[]) => messages.filter((m) => m.role !== 'tool' || m.content !== null).map((m) => ({ role: m.role, content: m.content ?? '' }))

export function toThread(row: ThreadRow, state: ThreadState) {
  return {
    thread_id: row.id,
    created_at: row.createdAt,
    updated_at: row.updatedAt,
    metadata: row.metadata ?? {},
    status: state.status,
    values: { output: state.last_output, messages: wireMessages(state.messages) },
    messages: wireMessages(state.messages),
  }
}

export const toThreadState = (c: Checkpoint) => ({
  checkpoint: { checkpoint_id: c.checkpoint_id },
  values: { messages: wireMessages(c.messages) },
  messages: wireMessages(c.messages),
  metadata: { run_id: c.run_id, created_at: c.created_at },
})

/** RunStateful / RunStateless: the run and the request that created it. */
export function toAcpRun(r: RunRow) {
  return {
    run_id: r.id,
    ...(r.threadId && !r.stateless ? { thread_id: r.threadId } : {}),
    agent_id: r.agentId,
    created_at: r.createdAt,
    updated_at: r.endedAt ?? r.startedAt ?? r.createdAt,
    status: ACP_STATUS[r.status as RunStatus] ?? 'pending',
    creation: r.creation ?? {},
  }
}

/** RunWaitResponse: the run plus its output, once it has one. */
export function toWaitResponse(r: RunRow, s: RunSnapshot) {
  const settled = s.status !== 'pending' && s.status !== 'running'
  return { run: { ...toAcpRun(r), status: ACP_STATUS[s.status] }, ...(settled ? { output: runOutput(s) } : {}) }
}
