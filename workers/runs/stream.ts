import type { Env } from '../env'
import { type FeedView, joinFeed } from './feed'
import { type EventLine, type EventTransform, encodeEvents, engineFrames, takeEventLines } from './sse'
import { runStub } from './stubs'

/** The engine's frames depend on each event alone: every reader of a run shares them. */
const ENGINE_VIEW: FeedView = { transform: engineFrames, shared: { key: 'engine', perEvent: true } }

/** Last-Event-ID from the header (EventSource reconnects) or `?last_event_id=` (clients that cannot set headers). */
export function lastEventIdOf(req: { header(name: string): string | undefined; query(name: string): string | undefined }): number {
  const after = Number.parseInt(req.header('last-event-id') ?? req.query('last_event_id') ?? '0', 10)
  return Number.isFinite(after) && after > 0 ? after : 0
}

/**
 * The one SSE response of every dialect: replay after `after`, then live until the run ends. The
 * dialect gives its transform (the engine's frames by default), with a `shared` key when readers
 * may share its frames (workers/runs/feed.ts); `onCancel` runs when the client leaves. Readers of
 * one run in this isolate share one subscription to the RunObject; a reader whose `after` is older
 * than the feed's memory subscribes on its own.
 */
export async function streamRun(env: Env, runId: string, after: number, view: { transform?: EventTransform; shared?: FeedView['shared']; onCancel?: () => Promise<unknown> } = {}): Promise<Response> {
  const feedView: FeedView = view.transform ? { transform: view.transform, shared: view.shared } : ENGINE_VIEW
  const body = joinFeed(env, runId, after, feedView, view.onCancel) ?? encodeEvents(await runStub(env, runId).subscribe(after), feedView.transform, view.onCancel)
  return new Response(body, {
    headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no', connection: 'keep-alive' },
  })
}

/**
 * A run's events as objects, for a dialect that acts on them rather than framing them (MCP turns
 * token deltas into progress notifications): replay after `after`, then live until the run ends.
 */
export async function* runEvents(env: Env, runId: string, after: number): AsyncGenerator<EventLine> {
  const chunks = (await runStub(env, runId).subscribe(after)).pipeThrough(new TextDecoderStream())
  let buffer = ''
  for await (const chunk of chunks) {
    const { lines, rest } = takeEventLines(buffer + chunk)
    buffer = rest
    for (const line of lines) if (line) yield line
  }
}
