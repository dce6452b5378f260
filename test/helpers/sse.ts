import type { Json } from '../../workers/runs/types'

export interface SseEvent {
  id: number
  event: string
  // biome-ignore lint/suspicious/noExplicitAny: event payloads differ by type; tests read their fields directly
  data: any
}

/**
 * Splits SSE text as the ACP Python SDK does: every blank-line-terminated block is an event, and a
 * block without `data:` is an error (a bare `retry:` or comment block would break that client).
 * Comment lines (keepalives) are collected; `retry:` must ride inside an event block.
 */
export function parseSseBlock(block: string, comments: string[]): SseEvent {
  const fields: Record<string, string> = {}
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) comments.push(line.slice(1).trim())
    else {
      const i = line.indexOf(':')
      if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart()
    }
  }
  if (fields.data === undefined) throw new Error(`SSE block without data (a client would fail on it): ${JSON.stringify(block)}`)
  return { id: Number(fields.id), event: fields.event ?? 'message', data: JSON.parse(fields.data) as Json }
}

/** Parses SSE blocks from a response until the stream closes (or `stopWhen` says so). */
export async function readSse(res: Response, stopWhen?: (e: SseEvent, all: SseEvent[]) => boolean): Promise<{ events: SseEvent[]; comments: string[] }> {
  if (!res.body) throw new Error('no body')
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const events: SseEvent[] = []
  const comments: string[] = []
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const e = parseSseBlock(buffer.slice(0, end), comments)
      buffer = buffer.slice(end + 2)
      events.push(e)
      if (stopWhen?.(e, events)) {
        await reader.cancel()
        return { events, comments }
      }
    }
  }
  if (buffer.trim() && !buffer.split('\n').every((l) => l === '' || l.startsWith(':'))) throw new Error(`SSE stream ended mid-block: ${JSON.stringify(buffer)}`)
  return { events, comments }
}
