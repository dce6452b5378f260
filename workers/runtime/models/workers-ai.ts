import type { AiBinding } from '../../env'
import { sseData } from './sse-lines'
import { ModelError, type ModelChunk, type ModelProvider, type ModelRequest } from './types'

/**
 * `workers-ai/@cf/meta/llama-3.1-8b-instruct` etc. through the AI binding, streamed. Text only:
 * tool calling on Workers AI differs per model, so agents that need tools use `openai/*`.
 * Needs a Cloudflare account; the offline test suite does not exercise it.
 */
export class WorkersAIModel implements ModelProvider {
  constructor(private readonly ai: AiBinding) {}

  async *stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    const out = await this.ai.run(req.model, {
      messages: req.messages.map((m) => ({ role: m.role, content: m.content ?? '' })),
      stream: true,
    })
    if (!(out instanceof ReadableStream)) throw new ModelError('bad_response', 'Workers AI returned no stream', false)
    for await (const data of sseData(out as ReadableStream<Uint8Array>)) {
      if (data === '[DONE]') break
      const chunk = JSON.parse(data) as { response?: string; usage?: { prompt_tokens?: number; completion_tokens?: number } }
      if (chunk.response) yield { type: 'text', text: chunk.response }
      if (chunk.usage) {
        const p = chunk.usage.prompt_tokens ?? 0
        const c = chunk.usage.completion_tokens ?? 0
        yield { type: 'usage', usage: { prompt_tokens: p, completion_tokens: c, total_tokens: p + c } }
      }
    }
  }
}
