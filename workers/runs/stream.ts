import type { Env } from '../env'
import { type EventLine, type EventTransform, encodeEvents, engineFrames } from './sse'
import { runStub } from './stubs'

/** Last-Event-ID from the header (EventSource reconnects) or `?last_event_id=` (clients that cannot set headers). */
export function lastEventIdOf(req: { header(name: string): string | undefined; query(name: string): string | undefined }): number {
  const after = Number.parseInt(req.header('last-event-id') ?? req.query('last_event_id') ?? '0', 10)
  return Number.isFinite(after) && after > 0 ? after : 0
}

/**
 * The one SSE response of every dialect: replay after `after`, then live until the run ends. The
 * dialect gives its transform (the engine's frames by default); `onCancel` runs when the client leaves.
 */
export async function streamRun(env: Env, runId: string, after: number, view: { transform?: EventTransform; onCancel?: () => Promise<unknown> } = {}): Promise<Response> {
  const source = await runStub(env, runId).subscribe(after)
  return new Response(encodeEvents(source, view.transform ?? engineFrames, view.onCancel), {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', connection: 'keep-alive' },
  })
}

/**
 * A run's events as objects, for a dialect that acts on them rather than framing them (MCP turns
 * token deltas into progress notifications): replay after `after`, then live until the run ends.
 */
export async function* runEvents(env: Env, runId: string, after: number): AsyncGenerator<EventLine> {
  const lines = (await runStub(env, runId).subscribe(after)).pipeThrough(new TextDecoderStream())
  let buffer = ''
  for await (const chunk of lines) {
    buffer += chunk
    for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
      const line = buffer.slice(0, nl)
      buffer = buffer.slice(nl + 1)
      if (line) yield JSON.parse(line) as EventLine
    }
  }
}
