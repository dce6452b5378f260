import type { StoredEvent } from '../workers/runs/types'

const encoder = new TextEncoder()

/** The one SSE encoder: `id` is the run's seq, `event` a closed enum, data one JSON line. */
export const sseFrame = (e: StoredEvent): string => `id: ${e.seq}\nevent: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`

/** Proxies close idle streams (cloudflare/agents#1583); a comment line keeps them open. */
export const HEARTBEAT_MS = 15_000
const KEEPALIVE = encoder.encode(': keepalive\n\n')

/** Chunks a subscriber may have unread before it is dropped; it reconnects with Last-Event-ID. */
const MAX_UNREAD_CHUNKS = 2_000
const REPLAY_PAGE = 500

interface Subscriber {
  controller: ReadableStreamDefaultController<Uint8Array>
}

/**
 * Fan-out of one run's events. Persist first (RunStore), then publish here: a subscriber that
 * joins replays from SQLite synchronously and goes live in the same turn, so it cannot miss or
 * double an event. Writes never await a reader: a slow one is cut, not waited for.
 */
export class SseHub {
  readonly #subs = new Set<Subscriber>()
  #heartbeat: ReturnType<typeof setInterval> | undefined

  get size(): number {
    return this.#subs.size
  }

  subscribe(after: number, page: (after: number, limit: number) => StoredEvent[], closed: boolean): ReadableStream<Uint8Array> {
    let sub: Subscriber | undefined
    return new ReadableStream<Uint8Array>({
      start: (controller) => {
        // `retry` tells EventSource clients how soon to reconnect after a drop.
        controller.enqueue(encoder.encode('retry: 1000\n\n'))
        for (let cursor = after, rows = page(cursor, REPLAY_PAGE); rows.length > 0; rows = page(cursor, REPLAY_PAGE)) {
          controller.enqueue(encoder.encode(rows.map(sseFrame).join('')))
          cursor = rows[rows.length - 1]?.seq ?? cursor
        }
        if (closed) {
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
    this.#send(encoder.encode(events.map(sseFrame).join('')))
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

  #send(chunk: Uint8Array): void {
    for (const sub of this.#subs) {
      const unread = -(sub.controller.desiredSize ?? 0)
      if (unread > MAX_UNREAD_CHUNKS) {
        this.#drop(sub, true)
        continue
      }
      try {
        sub.controller.enqueue(chunk)
      } catch {
        this.#drop(sub)
      }
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
      this.#heartbeat = setInterval(() => this.#send(KEEPALIVE), HEARTBEAT_MS)
    } else if (this.#subs.size === 0 && this.#heartbeat) {
      clearInterval(this.#heartbeat)
      this.#heartbeat = undefined
    }
  }
}
