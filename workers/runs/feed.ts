import type { Env } from '../env'
import { type EventLine, type EventTransform, KEEPALIVE, RETRY_MS, sseFrames, takeEventLines } from './sse'
import { runStub } from './stubs'

/**
 * Events one connection replays from memory, as the RunObject caps a subscription's replay
 * (durable-objects/event-hub.ts MAX_REPLAY): past it the stream closes without `done` and the client
 * continues from the last id it got.
 */
export const FEED_MAX_REPLAY = 1_000
/**
 * Events a feed keeps for late joiners and readers that lag. Past it the oldest go: a reader that
 * needs them subscribes on its own, and one that has not read them yet is closed and resumes with
 * Last-Event-ID. 5,000 events of ~200 bytes: about 1 MB per run being read, per isolate.
 */
export const FEED_MAX_EVENTS = 5_000
const TRIM_CHUNK = 500

/** How a reader wants a run's events framed. */
export interface FeedView {
  transform: EventTransform
  /**
   * Readers that give the same key get the same frames for the same event, so the frames are made
   * and encoded once per feed. With `perEvent` the frames of an event depend on it alone (any reader,
   * any `after`); without, on the events before it too: the view is then made from the run's first
   * event, and only a feed that still holds every event can make it.
   */
  shared?: { key: string; perEvent: boolean }
}

interface SharedFrames {
  perEvent: boolean
  toFrames: (e: EventLine) => ReturnType<ReturnType<EventTransform>>
  /** The encoded frames of `events[i]` (trimmed with it), made on first need. */
  texts: string[]
  /** Positions (absolute) whose frames end the stream. */
  lasts: Set<number>
  /** The last range handed out, encoded: readers in step reuse the same bytes. */
  cache: { start: number; end: number; bytes: Uint8Array } | null
}

interface Reader {
  env: Pick<Env, 'RUNS'>
  /** Absolute position of the next event to deliver. */
  pos: number
  /** Events at or before this seq are skipped (Last-Event-ID). */
  after: number
  /** The stream closes once `pos` reaches it (the replay cap). */
  stopAt: number
  shared: SharedFrames | null
  toFrames: ((e: EventLine) => ReturnType<ReturnType<EventTransform>>) | null
  sentFrame: boolean
  keepalives: number
  /** Looks in a row that found nothing (its wait grows with it). */
  idle: number
  wake: (() => void) | null
}

/**
 * How often a reader that does not own the subscription looks for new events. A promise resolved
 * from another request's code runs its continuation there, and touching this request's response
 * from there fails ("Cannot perform I/O on behalf of a different request"), so a reader can only
 * wake on its own I/O or timer. Each wake costs a timer and a socket write (~20 µs measured locally,
 * whatever the event rate): the period grows with the readers so they take a bounded share of the
 * isolate (~2,000 wakes/s, 4% at most), from 20 ms (40 readers or fewer in the isolate, all runs
 * together) to 500 ms (1,000 and more).
 * Measured with 1,000 readers of one run: at 250 ms the run took 1.10–1.18× its time alone, at 500 ms 1.08–1.16×.
 */
const pollMs = (readers: number) => Math.min(500, Math.max(20, readers / 2))
/** A reader that found nothing new waits longer, up to 4 periods (an idle run costs a quarter). */
const MAX_BACKOFF = 2
/**
 * The RunObject writes a keepalive every 15 s (durable-objects/event-hub.ts HEARTBEAT_MS) to a live
 * subscription: silence past this means the owner's request died without a word, and the next
 * reader that looks subscribes in its place.
 */
const STALE_MS = 40_000
/** The owner also looks on its own timer, so it learns when another reader took the subscription over. */
const OWNER_CHECK_MS = 5_000

const encoder = new TextEncoder()
const feeds = new Map<string, RunFeed>()
/** Readers of every feed in this isolate: the wake budget is the isolate's, whatever the runs. */
let readersHere = 0

/**
 * One subscription per run per isolate, shared by every reader of the run in it: the RunObject
 * streams each event once to the isolate instead of once per reader, and a view's frames are made
 * once per event (workers/runs/stream.ts). Events are kept in memory, so a late joiner replays from
 * here; one whose Last-Event-ID is older than the memory subscribes on its own (`null`).
 *
 * Workers forbid touching one request's I/O objects from another request: the RunObject's stream
 * is read only in the request of the reader that opened it (the owner, woken by it at once), and
 * every other reader writes its own response from its own timer (pollMs). When the owner leaves,
 * the next reader that looks subscribes again after the last event the feed has.
 */
export function joinFeed(env: Pick<Env, 'RUNS'>, runId: string, after: number, view: FeedView, onCancel?: () => Promise<unknown>): ReadableStream<Uint8Array> | null {
  let feed = feeds.get(runId)
  if (!feed || feed.ended) {
    feed = new RunFeed(runId, after)
    feeds.set(runId, feed)
  }
  return feed.join(env, after, view, onCancel)
}

class RunFeed {
  /** Every event with seq > floor is in `events` or still to come. */
  #floor: number
  /** Absolute position of events[0]. */
  #offset = 0
  readonly #events: EventLine[] = []
  #lastSeq: number
  #keepalives = 0
  ended = false
  readonly #readers = new Set<Reader>()
  readonly #shared = new Map<string, SharedFrames>()
  #owner: Reader | null = null
  /** Bumped when the owner changes: a superseded pump stops. */
  #generation = 0
  #source: ReadableStreamDefaultReader<string> | null = null
  /** When the subscription last said anything (an event or a keepalive). */
  #heardAt = 0

  constructor(
    readonly runId: string,
    from: number,
  ) {
    this.#floor = from
    this.#lastSeq = from
  }

  get #end(): number {
    return this.#offset + this.#events.length
  }

  join(env: Pick<Env, 'RUNS'>, after: number, view: FeedView, onCancel?: () => Promise<unknown>): ReadableStream<Uint8Array> | null {
    if (after < this.#floor) return null
    const shared = this.#sharedFor(view)
    let pos = this.#offset
    while (pos < this.#end && (this.#events[pos - this.#offset]?.seq ?? 0) <= after) pos++
    const reader: Reader = {
      env,
      pos,
      after,
      stopAt: this.#end - pos >= FEED_MAX_REPLAY ? pos + FEED_MAX_REPLAY : Number.POSITIVE_INFINITY,
      shared,
      toFrames: shared ? null : view.transform(),
      sentFrame: false,
      keepalives: this.#keepalives,
      idle: 0,
      wake: null,
    }
    this.#readers.add(reader)
    readersHere++
    return new ReadableStream<Uint8Array>({
      pull: async (controller) => {
        for (;;) {
          const { bytes, close } = this.#take(reader)
          if (bytes) controller.enqueue(bytes)
          if (close) {
            controller.close()
            this.#leave(reader)
            return
          }
          if (bytes) {
            reader.idle = 0
            return
          }
          if (!this.#owner || Date.now() - this.#heardAt > STALE_MS) this.#pumpFor(reader)
          if (this.#owner === reader) {
            // The pump runs in this request: it wakes this reader as soon as an event arrives.
            let timer: ReturnType<typeof setTimeout> | undefined
            await new Promise<void>((resolve) => {
              reader.wake = resolve
              timer = setTimeout(resolve, OWNER_CHECK_MS)
            })
            clearTimeout(timer)
            reader.wake = null
          } else {
            await new Promise<void>((resolve) => setTimeout(resolve, pollMs(readersHere) * 2 ** reader.idle))
            reader.idle = Math.min(MAX_BACKOFF, reader.idle + 1)
          }
        }
      },
      cancel: async () => {
        this.#leave(reader)
        await onCancel?.()
      },
    })
  }

  #sharedFor(view: FeedView): SharedFrames | null {
    if (!view.shared) return null
    const made = this.#shared.get(view.shared.key)
    if (made) return made
    // A view of the run's whole history needs every event from the first.
    if (!view.shared.perEvent && this.#floor !== 0) return null
    const fresh: SharedFrames = { perEvent: view.shared.perEvent, toFrames: view.transform(), texts: [], lasts: new Set(), cache: null }
    this.#shared.set(view.shared.key, fresh)
    return fresh
  }

  /** What the reader gets next: the frames of the events it has not had, a keepalive, or nothing. */
  #take(reader: Reader): { bytes: Uint8Array | null; close: boolean } {
    if (reader.pos < this.#offset) return { bytes: null, close: true } // fell behind the memory: resume with Last-Event-ID
    const end = Math.min(this.#end, reader.stopAt)
    const start = reader.pos
    let text = ''
    let last = false
    let skipped = false
    for (; reader.pos < end && !last; reader.pos++) {
      const i = reader.pos - this.#offset
      const e = this.#events[i]
      if (!e || e.seq <= reader.after) {
        skipped = true
        continue
      }
      if (reader.shared) {
        text += this.#framesOf(reader.shared, reader.pos)
        last = reader.shared.lasts.has(reader.pos)
      } else if (reader.toFrames) {
        const frames = reader.toFrames(e)
        if (frames.length) text += sseFrames(frames, false)
        last = frames.some((f) => f.last)
      }
    }
    const close = last || reader.pos >= reader.stopAt || (this.ended && reader.pos >= this.#end)
    let bytes: Uint8Array | null = null
    if (text) {
      if (!reader.sentFrame) {
        // `retry:` rides in the first event block of each connection (workers/runs/sse.ts).
        bytes = encoder.encode(`retry: ${RETRY_MS}\n${text}`)
        reader.sentFrame = true
      } else if (reader.shared && !skipped) {
        const c = reader.shared.cache
        if (c && c.start === start && c.end === reader.pos) bytes = c.bytes
        else {
          bytes = encoder.encode(text)
          reader.shared.cache = { start, end: reader.pos, bytes }
        }
      } else bytes = encoder.encode(text)
    } else if (reader.keepalives < this.#keepalives && !close) {
      bytes = encoder.encode(KEEPALIVE)
    }
    reader.keepalives = this.#keepalives
    return { bytes, close }
  }

  /** A shared view's frames of the event at `pos`, made once: one event's alone, or a history's in order up to it. */
  #framesOf(view: SharedFrames, pos: number): string {
    const i = pos - this.#offset
    const have = view.texts[i]
    if (have !== undefined) return have
    for (let k = view.perEvent ? i : view.texts.length; k <= i; k++) {
      const e = this.#events[k]
      const frames = e ? view.toFrames(e) : []
      view.texts[k] = frames.length ? sseFrames(frames, false) : ''
      if (frames.some((f) => f.last)) view.lasts.add(k + this.#offset)
    }
    return view.texts[i] ?? ''
  }

  #leave(reader: Reader): void {
    if (!this.#readers.delete(reader)) return
    readersHere--
    if (this.#owner === reader) {
      // Its request ends, and the RunObject's stream with it: the next reader that waits subscribes again.
      this.#owner = null
      this.#generation++
      this.#dropSource()
      this.#ring()
    }
    if (this.#readers.size === 0) {
      this.#generation++
      this.#dropSource()
      if (feeds.get(this.runId) === this) feeds.delete(this.runId)
    }
  }

  #dropSource(): void {
    const source = this.#source
    this.#source = null
    source?.cancel().catch(() => {
      // the request that opened it is gone already
    })
  }

  /** Wakes the owner; the other readers look again on their own timers (see pollMs). */
  #ring(): void {
    const owner = this.#owner
    const wake = owner?.wake
    if (!owner || !wake) return
    owner.wake = null
    wake()
  }

  #finish(): void {
    this.ended = true
    this.#generation++
    if (feeds.get(this.runId) === this) feeds.delete(this.runId)
    this.#ring()
  }

  /** Runs in the reader's own request: it opens and reads the RunObject's stream for the feed. */
  #pumpFor(reader: Reader): void {
    if (this.ended) return
    // A superseded owner's stream belongs to its request: it goes when that request ends.
    if (this.#owner && this.#owner !== reader) this.#source = null
    this.#owner = reader
    this.#heardAt = Date.now()
    const generation = ++this.#generation
    this.#pump(reader, generation).catch(() => {
      // The subscription failed: readers close and clients resume with Last-Event-ID.
      if (generation === this.#generation) this.#finish()
    })
  }

  async #pump(owner: Reader, generation: number): Promise<void> {
    while (generation === this.#generation) {
      const before = this.#lastSeq
      const stream = await runStub(owner.env, this.runId).subscribe(this.#lastSeq)
      if (generation !== this.#generation) {
        await stream.cancel()
        return
      }
      const source = stream.pipeThrough(new TextDecoderStream()).getReader()
      this.#source = source
      let buffer = ''
      let terminal = false
      for (;;) {
        const { value, done } = await source.read()
        if (generation !== this.#generation) return
        if (done) break
        this.#heardAt = Date.now()
        const { lines, rest } = takeEventLines(buffer + value)
        buffer = rest
        let keepalive = false
        for (const e of lines) {
          if (e === null) {
            keepalive = true
            continue
          }
          if (e.seq <= this.#lastSeq) continue
          this.#add(e)
          if (e.type === 'done') terminal = true
        }
        if (keepalive) this.#keepalives++
        this.#ring()
      }
      this.#source = null
      // Closed after the run ended, or with nothing new (the run is gone): the feed ends. Else the
      // RunObject capped the replay or cut a slow subscription: continue after the last event.
      if (terminal || this.#lastSeq === before) {
        this.#finish()
        return
      }
    }
  }

  #add(e: EventLine): void {
    this.#events.push(e)
    this.#lastSeq = e.seq
    if (this.#events.length <= FEED_MAX_EVENTS + TRIM_CHUNK) return
    const gone = this.#events.splice(0, TRIM_CHUNK)
    for (const [key, view] of this.#shared) {
      // A history view not made past the cut cannot go on (it would skip events): its readers are behind the cut and close.
      if (!view.perEvent && view.texts.length < TRIM_CHUNK) this.#shared.delete(key)
      view.texts.splice(0, TRIM_CHUNK)
      view.cache = null
    }
    this.#offset += TRIM_CHUNK
    this.#floor = gone[gone.length - 1]?.seq ?? this.#floor
  }
}
