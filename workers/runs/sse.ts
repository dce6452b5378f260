import type { EventType, JsonObject } from './types'

/**
 * The one SSE encoder, for every dialect (STYLE.md §6). `event` comes from a closed enum and data
 * is one JSON line: hono's writeSSE refuses CR/LF in id/event (honojs/hono src/helper/streaming/sse.ts).
 */
export interface SseFrame {
  /** The engine's seq; a dialect that makes several frames of one event numbers them `seq`, `seq.1`, `seq.2`… */
  id: number | string
  event: string
  data: unknown
  /** The stream ends after this frame (ACP: an interrupt pauses the run; the client resumes and joins again). */
  last?: boolean
}

/** How soon EventSource clients reconnect after a drop. */
export const RETRY_MS = 1000

/**
 * Every block ends in a blank line and carries `data:`: real clients (the ACP Python SDK) make an
 * event of each blank-line-ended block and fail on one without data. So `retry:` rides in the first
 * real event's block, never in a block of its own.
 */
export const sseFrame = (f: SseFrame, withRetry = false): string => `${withRetry ? `retry: ${RETRY_MS}\n` : ''}id: ${f.id}\nevent: ${f.event}\ndata: ${JSON.stringify(f.data)}\n\n`

/** Encodes frames; the first one of a connection carries `retry:`. */
export const sseFrames = (frames: SseFrame[], first: boolean): string => frames.map((f, i) => sseFrame(f, first && i === 0)).join('')

/** A comment line with no blank line after it: proxies see traffic, clients dispatch nothing. */
export const KEEPALIVE = ': keepalive\n'

/** One event as the RunObject streams it to the worker (NDJSON): structured, not yet a dialect's frame. */
export interface EventLine {
  seq: number
  type: EventType
  data: JsonObject
}

/** The hub's keepalive: an empty line, written out as the SSE comment KEEPALIVE. */
export const HUB_KEEPALIVE = '\n'

/** The complete lines of the hub's NDJSON in `buffer`, parsed (`null`: a keepalive), and the partial line left. */
export function takeEventLines(buffer: string): { lines: (EventLine | null)[]; rest: string } {
  const cut = buffer.lastIndexOf('\n')
  if (cut < 0) return { lines: [], rest: buffer }
  const lines = buffer
    .slice(0, cut)
    .split('\n')
    .map((line) => (line === '' ? null : (JSON.parse(line) as EventLine)))
  return { lines, rest: buffer.slice(cut + 1) }
}

/**
 * A dialect's view of a run's events, made once per connection (it may keep state, as ACP keeps the
 * messages so far) and applied once per event: each event becomes zero or more frames.
 */
export type EventTransform = () => (e: EventLine) => SseFrame[]

/** The engine's own frames: `id` is the seq, `event` the type. */
export const engineFrames: EventTransform = () => (e) => [{ id: e.seq, event: e.type, data: e.data }]

/**
 * RunObject lines → SSE bytes through `transform` and the one encoder. `onCancel` runs when the
 * client goes away (after the subscription is released).
 */
export function encodeEvents(source: ReadableStream<Uint8Array>, transform: EventTransform, onCancel?: () => Promise<unknown>): ReadableStream<Uint8Array> {
  const reader = source.pipeThrough(new TextDecoderStream()).getReader()
  const encoder = new TextEncoder()
  const toFrames = transform()
  let buffer = ''
  let first = true
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const { value, done } = await reader.read()
        if (done) {
          controller.close()
          return
        }
        const { lines, rest } = takeEventLines(buffer + value)
        buffer = rest
        let text = ''
        let ended = false
        for (const line of lines) {
          if (ended) break
          if (line === null) {
            text += KEEPALIVE
            continue
          }
          const frames = toFrames(line)
          if (frames.length === 0) continue
          text += sseFrames(frames, first)
          first = false
          ended = frames.some((f) => f.last)
        }
        if (ended) {
          // Closed by the dialect, not by the client: the subscription is released, onCancel does not run.
          if (text) controller.enqueue(encoder.encode(text))
          controller.close()
          await reader.cancel()
          return
        }
        if (text) {
          controller.enqueue(encoder.encode(text))
          return
        }
      }
    },
    async cancel() {
      await reader.cancel()
      await onCancel?.()
    },
  })
}
