import { z } from 'zod'
import type { AiBinding } from '../../env'
import type { ChatMessage, ToolCall } from '../../runs/types'
import { sseData } from './sse-lines'
import { ModelError, type ModelChunk, type ModelProvider, type ModelRequest } from './types'

const UsageSchema = z.object({ prompt_tokens: z.number().optional(), completion_tokens: z.number().optional(), total_tokens: z.number().optional() }).loose()
const ArgumentsSchema = z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
/** Legacy `{name, arguments: object}` (llama 3.x, hermes-2-pro) or OpenAI `{id, type, function}` (newer models). */
const ToolCallSchema = z.union([
  z.object({ id: z.string().optional(), function: z.object({ name: z.string(), arguments: ArgumentsSchema }) }).transform((c) => ({ id: c.id, ...c.function })),
  z.object({ id: z.string().optional(), name: z.string(), arguments: ArgumentsSchema }),
])
const OutputSchema = z.union([
  z.string().transform((response) => ({ response, tool_calls: undefined, usage: undefined })),
  z.object({ response: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(), tool_calls: z.array(ToolCallSchema).nullish(), usage: UsageSchema.nullish() }).loose(),
])

const argumentsText = (a: z.infer<typeof ArgumentsSchema>): string => (a === undefined ? '{}' : typeof a === 'string' ? a : JSON.stringify(a))

/** Workers AI sends no ids in the legacy shape: the loop needs one per call to pair its result. */
const toolCall = (raw: z.infer<typeof ToolCallSchema>, i: number): ToolCall => ({
  id: raw.id ?? `call_${crypto.randomUUID().slice(0, 8)}_${i}`,
  name: raw.name,
  arguments: argumentsText(raw.arguments),
})

/**
 * Workers AI's chat template takes string contents. An assistant turn that called tools carries
 * them both as OpenAI `tool_calls` (newer models) and as JSON text (models that only read content);
 * a tool turn names its tool, as the function-calling models' templates expect.
 */
function wire(messages: ChatMessage[]): Record<string, unknown>[] {
  const names = new Map(messages.flatMap((m) => m.tool_calls ?? []).map((c) => [c.id, c.name]))
  return messages.map((m) => {
    if (m.role === 'assistant' && m.tool_calls?.length) {
      const calls = m.tool_calls.map((c) => ({ name: c.name, arguments: safeJson(c.arguments) }))
      return {
        role: 'assistant',
        content: m.content || JSON.stringify(calls),
        tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
      }
    }
    if (m.role === 'tool') return { role: 'tool', content: m.content ?? '', tool_call_id: m.tool_call_id, name: names.get(m.tool_call_id ?? '') ?? 'tool' }
    return { role: m.role, content: m.content ?? '' }
  })
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const usageOf = (u: z.infer<typeof UsageSchema>) => {
  const p = u.prompt_tokens ?? 0
  const c = u.completion_tokens ?? 0
  return { prompt_tokens: p, completion_tokens: c, total_tokens: u.total_tokens ?? p + c }
}

/**
 * An error thrown by the binding keeps only its message (e.g. "3040: Capacity temporarily exceeded").
 * Capacity and rate limits go back to the queue; an unknown model or a bad input fails the run.
 */
function modelError(err: unknown): ModelError {
  const message = err instanceof Error ? err.message : String(err)
  if (/\b(3040|3036|429)\b|capacity|rate.?limit/i.test(message)) return new ModelError('rate_limited', `Workers AI: ${message}`, true, 5000)
  if (/\b(3043|5xx|500|502|503)\b|internal server error|timed? ?out/i.test(message)) return new ModelError('upstream_error', `Workers AI: ${message}`, true, 2000)
  return new ModelError('model_error', `Workers AI: ${message}`, false)
}

/**
 * `workers-ai/<model>` through the AI binding. Without tools the reply streams (SSE, `{response}`
 * chunks); with tools the call is not streamed, because Workers AI's function-calling models return
 * `tool_calls` only in the whole response (developers.cloudflare.com/workers-ai/features/function-calling/traditional).
 */
export class WorkersAIModel implements ModelProvider {
  constructor(private readonly ai: AiBinding) {}

  async *stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    const messages = wire(req.messages)
    if (req.tools.length) {
      const tools = req.tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.parameters } }))
      const out = await this.#run(req, { messages, tools })
      const parsed = OutputSchema.safeParse(out)
      if (!parsed.success) throw new ModelError('bad_response', 'Workers AI answered in an unexpected shape', false)
      const { response, tool_calls, usage } = parsed.data
      const text = typeof response === 'string' ? response : response ? JSON.stringify(response) : ''
      if (text) yield { type: 'text', text }
      for (const [i, call] of (tool_calls ?? []).entries()) yield { type: 'tool_call', call: toolCall(call, i) }
      if (usage) yield { type: 'usage', usage: usageOf(usage) }
      return
    }
    const out = await this.#run(req, { messages, stream: true })
    if (!(out instanceof ReadableStream)) throw new ModelError('bad_response', 'Workers AI returned no stream', false)
    for await (const data of sseData(out as ReadableStream<Uint8Array>)) {
      if (data === '[DONE]') break
      let chunk: { response?: unknown; usage?: unknown }
      try {
        chunk = JSON.parse(data) as { response?: unknown; usage?: unknown }
      } catch {
        throw new ModelError('bad_response', `malformed stream chunk: ${data.slice(0, 80)}`, false)
      }
      if (typeof chunk.response === 'string' && chunk.response) yield { type: 'text', text: chunk.response }
      const usage = UsageSchema.safeParse(chunk.usage)
      if (chunk.usage && usage.success) yield { type: 'usage', usage: usageOf(usage.data) }
    }
  }

  async #run(req: ModelRequest, inputs: Record<string, unknown>): Promise<unknown> {
    try {
      return await this.ai.run(req.model, inputs)
    } catch (err) {
      if (req.signal.aborted) throw err
      throw modelError(err)
    }
  }
}
