import { guardedFetch, OutboundRefused } from '../../lib/net-guard'
import type { ChatMessage, ToolCall } from '../../runs/types'
import { sseData } from './sse-lines'
import { ModelError, type ModelChunk, type ModelProvider, type ModelRequest } from './types'

export interface OpenAIConfig {
  baseUrl: string
  apiKey: string | undefined
  /** The outbound policy (net-guard): checked on every call and every redirect hop. */
  guard: { ALLOW_PRIVATE_TARGETS?: string }
  /** Retries inside one delivery for 429/5xx before the first chunk; longer waits go back to the queue. */
  maxAttempts?: number
  maxInlineWaitMs?: number
}

/** A Retry-After header (seconds or an HTTP date) in ms. */
export function retryAfterMs(header: string | null, fallbackMs: number): number {
  if (!header) return fallbackMs
  const secs = Number(header)
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000)
  const at = Date.parse(header)
  return Number.isNaN(at) ? fallbackMs : Math.max(0, at - Date.now())
}

/** A user message with images becomes Chat Completions content parts: the text, then each image. */
const contentOf = (m: ChatMessage) =>
  m.images?.length ? [...(m.content ? [{ type: 'text', text: m.content }] : []), ...m.images.map((url) => ({ type: 'image_url', image_url: { url } }))] : m.content

const wire = (m: ChatMessage) => ({
  role: m.role,
  content: contentOf(m),
  ...(m.tool_calls?.length ? { tool_calls: m.tool_calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
  ...(m.tool_call_id ? { tool_call_id: m.tool_call_id } : {}),
})

interface Delta {
  content?: string | null
  tool_calls?: { index: number; id?: string; function?: { name?: string; arguments?: string } }[]
}
interface Chunk {
  choices?: { delta?: Delta; finish_reason?: string | null }[]
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number } | null
  error?: { message?: string }
}

/** Any OpenAI-compatible Chat Completions endpoint (OpenAI, Ollama, vLLM, Groq…), streamed. */
export class OpenAIModel implements ModelProvider {
  constructor(private readonly config: OpenAIConfig) {}

  async *stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    const res = await this.#post(req)
    if (!res.body) throw new ModelError('bad_response', 'upstream sent no body', true, 1000)
    const calls = new Map<number, ToolCall>()
    for await (const data of sseData(res.body)) {
      if (data === '[DONE]') break
      let chunk: Chunk
      try {
        chunk = JSON.parse(data) as Chunk
      } catch {
        throw new ModelError('bad_response', `malformed stream chunk: ${data.slice(0, 80)}`, false)
      }
      if (chunk.error) throw new ModelError('model_error', chunk.error.message ?? 'upstream error', false)
      for (const choice of chunk.choices ?? []) {
        const delta = choice.delta ?? {}
        if (delta.content) yield { type: 'text', text: delta.content }
        for (const tc of delta.tool_calls ?? []) {
          const call = calls.get(tc.index) ?? { id: tc.id ?? `call_${tc.index}`, name: '', arguments: '' }
          if (tc.id) call.id = tc.id
          call.name += tc.function?.name ?? ''
          call.arguments += tc.function?.arguments ?? ''
          calls.set(tc.index, call)
        }
      }
      if (chunk.usage) {
        const p = chunk.usage.prompt_tokens ?? 0
        const c = chunk.usage.completion_tokens ?? 0
        yield { type: 'usage', usage: { prompt_tokens: p, completion_tokens: c, total_tokens: chunk.usage.total_tokens ?? p + c } }
      }
    }
    for (const call of calls.values()) yield { type: 'tool_call', call }
  }

  async #post(req: ModelRequest): Promise<Response> {
    const { baseUrl, apiKey, guard, maxAttempts = 3, maxInlineWaitMs = 10_000 } = this.config
    const body = JSON.stringify({
      model: req.model,
      messages: req.messages.map(wire),
      ...(req.tools.length ? { tools: req.tools.map((t) => ({ type: 'function', function: t })) } : {}),
      stream: true,
      stream_options: { include_usage: true },
    })
    for (let attempt = 1; ; attempt++) {
      let res: Response
      try {
        // Redirects: a 307/308 to the same origin is followed with the body; the key never goes to another origin.
        res = await guardedFetch(
          guard,
          `${baseUrl.replace(/\/$/, '')}/chat/completions`,
          {
            method: 'POST',
            headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
            body,
            signal: req.signal,
          },
          { maxRedirects: 3 },
        )
      } catch (err) {
        if (req.signal.aborted) throw err
        if (err instanceof OutboundRefused) throw new ModelError('config_error', `model endpoint refused: ${err.message}`, false)
        throw new ModelError('upstream_error', `model endpoint unreachable: ${err instanceof Error ? err.message : String(err)}`, true, 2000 * attempt)
      }
      if (res.ok) return res
      const transient = res.status === 429 || res.status >= 500
      const text = (await res.text()).slice(0, 300)
      if (!transient) throw new ModelError('model_error', `model endpoint answered ${res.status}: ${text}`, false)
      const wait = retryAfterMs(res.headers.get('retry-after'), Math.min(1000 * 2 ** (attempt - 1), 8000))
      const code = res.status === 429 ? 'rate_limited' : 'upstream_error'
      // Honour Retry-After: short waits here, long ones by going back to the queue for that long.
      if (attempt >= maxAttempts || wait > maxInlineWaitMs) throw new ModelError(code, `model endpoint answered ${res.status}`, true, wait)
      await new Promise((r) => setTimeout(r, wait))
    }
  }
}
