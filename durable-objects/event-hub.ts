import { type EventLine, HUB_KEEPALIVE } from '../workers/runs/sse'
import type { StoredEvent } from '../workers/runs/types'

const encoder = new TextEncoder()

/** Proxies close idle streams (cloudflare/agents#1583): a keepalive line every heartbeat keeps them open. */
export const HEARTBEAT_MS = 15_000
const KEEPALIVE_BYTES = encoder.encode(HUB_KEEPALIVE)

/** Chunks a subscriber may have unread before it is dropped; it reconnects with Last-Event-ID. */
const MAX_UNREAD_CHUNKS = 2_000
const REPLAY_PAGE = 500
/**
 * Events one connection replays (cloudflare/agents packages/agents/src/mcp/event-store.ts caps at
 * 1000 too). Past it the stream closes without `done` and the client reconnects with the last id
 * it got: nothing is lost, and one reader cannot make the object hold a whole log in memory.
 */
export const MAX_REPLAY = 1_000

/** Reads how many subscriptions a RunObject's hub has opened (tests, through runInDurableObject): a symbol key keeps it off the RPC surface. */
export const SUBSCRIPTIONS = Symbol('subscriptions')

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>
}

/**
 * Fan-out of one run's events, as structured lines (NDJSON, one event each): each dialect turns
 * them into its frames and the one SSE encoder writes them (workers/runs/stream.ts). Persist first
 * (RunStore), then publish here: a subscriber that joins replays from SQLite synchronously and goes
 * live in the same turn, so it cannot miss or double an event. Writes never await a reader: a slow
 * one is cut, not waited for.
 */
export class EventHub {
  readonly #subs = new Set<Subscriber>()
  #heartbeat: ReturnType<typeof setInterval> | undefined
  #opened = 0

  /** Subscriptions opened since the object started: readers of one run in one isolate share one (workers/runs/feed.ts). */
  get opened(): number {
    return this.#opened
  }

  get size(): number {
    return this.#subs.size
  }

  subscribe(after: number, page: (after: number, limit: number) => StoredEvent[], closed: boolean): ReadableStream<Uint8Array> {
    let sub: Subscriber | undefined
    this.#opened++
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        let cursor = after
        let replayed = 0
        for (let rows = page(cursor, Math.min(REPLAY_PAGE, MAX_REPLAY)); rows.length > 0; rows = page(cursor, Math.min(REPLAY_PAGE, MAX_REPLAY - replayed))) {
          controller.enqueue(encoder.encode(toLines(rows)))
          replayed += rows.length
          cursor = rows[rows.length - 1]?.seq ?? cursor
          if (replayed >= MAX_REPLAY) break
        }
        if (closed || replayed >= MAX_REPLAY) {
          controller.close()
          return
        }
        sub = { controller }
        this.#subs.add(sub)
        this.#armHeartbeat()
      },
      cancel: () => {
        if (sub) this.#drop(sub)
      },
    })
  }

  publish(events: StoredEvent[]): void {
    if (events.length === 0 || this.#subs.size === 0) return
    const chunk = encoder.encode(toLines(events))
    for (const sub of this.#subs) this.#write(sub, chunk)
  }

  /** After the terminal event: every stream ends. */
  closeAll(): void {
    for (const sub of this.#subs) {
      try {
        sub.controller.close()
      } catch {
        // already closed by the reader
      }
    }
    this.#subs.clear()
    this.#armHeartbeat()
  }

  /** Enqueues for one subscriber; false when it was dropped (too far behind, or gone). */
  #write(sub: Subscriber, chunk: Uint8Array): boolean {
    const unread = -(sub.controller.desiredSize ?? 0)
    if (unread > MAX_UNREAD_CHUNKS) {
      this.#drop(sub, true)
      return false
    }
    try {
      sub.controller.enqueue(chunk)
      return true
    } catch {
      this.#drop(sub)
      return false
    }
  }

  #drop(sub: Subscriber, close = false): void {
    this.#subs.delete(sub)
    if (close) {
      try {
        sub.controller.close()
      } catch {
        // the reader went away first
      }
    }
    this.#armHeartbeat()
  }

  #armHeartbeat(): void {
    if (this.#subs.size > 0 && !this.#heartbeat) {
      this.#heartbeat = setInterval(() => {
        for (const sub of this.#subs) this.#write(sub, KEEPALIVE_BYTES)
      }, HEARTBEAT_MS)
    } else if (this.#subs.size === 0 && this.#heartbeat) {
      clearInterval(this.#heartbeat)
      this.#heartbeat = undefined
    }
  }
}

const toLines = (events: StoredEvent[]) => events.map((e) => `${JSON.stringify({ seq: e.seq, type: e.type, data: e.data } satisfies EventLine)}\n`).join('')
