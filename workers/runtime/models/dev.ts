import type { ChatMessage } from '../../runs/types'
import { ModelError, type ModelChunk, type ModelProvider, type ModelRequest } from './types'
import { sleep } from '../../lib/sleep'

/**
 * The built-in deterministic model: offline, free of randomness, and steerable by directives in
 * the user message so every path of the loop can be exercised without a network (README lists them):
 *   /tool NAME {json}   call a tool          /ask QUESTION   ask the user (request_form → interrupt)
 *   /fail MESSAGE       fail the run         /slow MS        wait MS before each word
 *   /tokens N           reply with N words   /crash N        die after N words on the first attempt
 *   /rate-limit MS      answer 429 with Retry-After MS on the first attempt
 * Anything else is echoed back: "You said: …".
 */
export class DevModel implements ModelProvider {
  async *stream(req: ModelRequest): AsyncIterable<ModelChunk> {
    const last = req.messages[req.messages.length - 1]
    const directives = last?.role === 'user' ? parse(last.content ?? '') : new Map<string, string>()
    const slowMs = leadingNumber(directives.get('slow')) ?? 0

    if (directives.has('fail')) throw new ModelError('model_error', directives.get('fail') || 'dev model failure', false)
    if (directives.has('rate-limit') && req.attempt === 1) {
      throw new ModelError('rate_limited', 'dev model: rate limited', true, leadingNumber(directives.get('rate-limit')) || 1000)
    }

    const call = toolCallFor(directives)
    if (call) {
      yield { type: 'tool_call', call: { id: `call_${req.messages.length}`, ...call } }
      yield { type: 'usage', usage: usage(req.messages, 1) }
      return
    }

    const words = replyFor(last, req.messages, directives)
    const crashAfter = directives.has('crash') && req.attempt === 1 ? (leadingNumber(directives.get('crash')) ?? -1) : -1
    for (const [i, word] of words.entries()) {
      if (i === crashAfter) throw new Error('dev model: simulated consumer crash')
      if (slowMs > 0) await sleep(slowMs, req.signal)
      yield { type: 'text', text: i === 0 ? word : ` ${word}` }
    }
    yield { type: 'usage', usage: usage(req.messages, words.length) }
  }
}

const DIRECTIVE = /(?:^|\s)\/(tool|ask|fail|slow|tokens|crash|rate-limit)\b/g

/** A numeric directive's number: the one it starts with ("/slow 2000 racer 3" waits 2000 ms), else undefined. */
const leadingNumber = (value: string | undefined): number | undefined => {
  const n = Number.parseFloat(value ?? '')
  return Number.isFinite(n) ? n : undefined
}

/** `/name rest-until-next-directive` pairs. */
function parse(text: string): Map<string, string> {
  const found = [...text.matchAll(DIRECTIVE)]
  const out = new Map<string, string>()
  found.forEach((m, i) => {
    const start = (m.index ?? 0) + m[0].length
    const end = found[i + 1]?.index ?? text.length
    out.set(m[1] ?? '', text.slice(start, end).trim())
  })
  return out
}

function toolCallFor(d: Map<string, string>): { name: string; arguments: string } | undefined {
  if (d.has('ask')) return { name: 'request_form', arguments: JSON.stringify({ question: d.get('ask') || 'Please confirm' }) }
  const spec = d.get('tool')
  if (spec === undefined) return undefined
  const [name = '', ...rest] = spec.split(/\s+/)
  return { name, arguments: rest.join(' ') || '{}' }
}

function replyFor(last: ChatMessage | undefined, messages: ChatMessage[], d: Map<string, string>): string[] {
  if (d.has('tokens')) {
    const n = Math.max(0, Math.min(100_000, leadingNumber(d.get('tokens')) ?? 0))
    return Array.from({ length: n }, (_, i) => `tok${i + 1}`)
  }
  if (last?.role === 'tool') {
    const call = messages.flatMap((m) => m.tool_calls ?? []).find((c) => c.id === last.tool_call_id)
    const result = (last.content ?? '').slice(0, 500)
    if (call?.name === 'request_form') return `Thanks, you answered: ${result}`.split(/\s+/)
    return `Tool ${call?.name ?? 'unknown'} returned: ${result}`.split(/\s+/)
  }
  // Directives take the rest of the message as arguments, so the echo is what precedes the first.
  const content = last?.content ?? ''
  const first = content.search(DIRECTIVE)
  const text = (first >= 0 ? content.slice(0, first) : content).replace(/\s+/g, ' ').trim()
  const seen = last?.images?.length ? ` (and ${last.images.length} image${last.images.length === 1 ? '' : 's'})` : ''
  return `You said: ${text || '(nothing)'}${seen}`.split(' ')
}

/** Words stand in for tokens: deterministic, so usage and cost can be asserted exactly. */
function usage(messages: ChatMessage[], completion: number) {
  const prompt = messages.reduce((n, m) => n + (m.content ?? '').split(/\s+/).filter(Boolean).length, 0)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}
