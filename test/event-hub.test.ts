import { afterEach, describe, it, vi } from 'vitest'
import { EventHub, HEARTBEAT_MS, MAX_REPLAY } from '../durable-objects/event-hub'
import { encodeEvents, engineFrames } from '../workers/runs/sse'
import type { StoredEvent } from '../workers/runs/types'
import { parseSseBlock, readSse } from './helpers/sse'

afterEach(() => vi.useRealTimers())

const ev = (seq: number): StoredEvent => ({ seq, type: 'message_delta', data: { text: `t${seq}` }, created_at: '' })
const line = (seq: number) => `{"seq":${seq},"type":"message_delta","data":{"text":"t${seq}"}}\n`
const pageOf = (log: StoredEvent[]) => (after: number, limit: number) => log.filter((e) => e.seq > after).slice(0, limit)
/** What a dialect serves: the hub's lines through the one SSE encoder. */
const sse = (hub: EventHub, after: number, log: StoredEvent[] = []) => encodeEvents(hub.subscribe(after, pageOf(log), false), engineFrames)

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<string> {
  let out = ''
  for (let i = 0; i < n; i++) out += new TextDecoder().decode((await reader.read()).value)
  return out
}

describe('EventHub', () => {
  it('sends a keepalive every heartbeat while subscribed: a bare comment line, and retry inside the first event block', async ({ expect }) => {
    vi.useFakeTimers()
    const hub = new EventHub()
    const reader = sse(hub, 0).getReader()
    // The README promises a keepalive every 15 s: none before the mark, one at it, one per period after.
    expect(HEARTBEAT_MS).toBe(15_000)
    vi.advanceTimersByTime(14_999)
    hub.publish([ev(1)])
    // `retry:` rides in the first event's block, never in a block of its own.
    expect(await drain(reader, 1)).toBe('retry: 1000\nid: 1\nevent: message_delta\ndata: {"text":"t1"}\n\n')
    vi.advanceTimersByTime(1)
    // A comment line with no blank line after it: no client dispatches anything for it.
    expect(await drain(reader, 1)).toBe(': keepalive\n')
    vi.advanceTimersByTime(15_000)
    expect(await drain(reader, 1)).toBe(': keepalive\n')
    hub.publish([ev(2)])
    expect(await drain(reader, 1)).toBe('id: 2\nevent: message_delta\ndata: {"text":"t2"}\n\n')
    hub.closeAll()
    expect((await reader.read()).done).toBe(true)
  })

  it('replays strictly after the given id, then goes live without gap or repeat', async ({ expect }) => {
    const hub = new EventHub()
    const raw = hub.subscribe(1, pageOf([ev(1), ev(2), ev(3)]), false).getReader()
    expect(await drain(raw, 1)).toBe(line(2) + line(3))
    hub.publish([ev(4)])
    expect(await drain(raw, 1)).toBe(line(4))
    const encoded = sse(hub, 1, [ev(1), ev(2), ev(3)]).getReader()
    expect(await drain(encoded, 1)).toBe('retry: 1000\nid: 2\nevent: message_delta\ndata: {"text":"t2"}\n\nid: 3\nevent: message_delta\ndata: {"text":"t3"}\n\n')
  })

  it(`caps replay at ${MAX_REPLAY} events per connection; the client continues from the last id with no loss`, async ({ expect }) => {
    const hub = new EventHub()
    const log = Array.from({ length: MAX_REPLAY + 500 }, (_, i) => ev(i + 1))
    const first = await readSse(new Response(sse(hub, 0, log)))
    expect(first.events).toHaveLength(MAX_REPLAY)
    expect(hub.size).toBe(0) // closed, not live: the reader reconnects
    const lastId = first.events.at(-1)?.id ?? 0
    const rest = sse(hub, lastId, log)
    hub.closeAll()
    const second = await readSse(new Response(rest))
    expect([...first.events, ...second.events].map((e) => e.id)).toEqual(log.map((e) => e.seq))
  })

  it('drops a subscriber that stops reading instead of buffering forever', ({ expect }) => {
    const hub = new EventHub()
    hub.subscribe(0, () => [], false)
    for (let i = 1; i <= 2100; i++) hub.publish([ev(i)])
    expect(hub.size).toBe(0)
  })
})

describe('the test SSE reader parses like the ACP SDK', () => {
  it('fails on a blank-line-terminated block without data', ({ expect }) => {
    expect(() => parseSseBlock('retry: 1000', [])).toThrow(/without data/)
    expect(() => parseSseBlock(': keepalive', [])).toThrow(/without data/)
    const comments: string[] = []
    expect(parseSseBlock(': keepalive\nretry: 1000\nid: 3\nevent: done\ndata: {}', comments)).toEqual({ id: 3, event: 'done', data: {} })
    expect(comments).toEqual(['keepalive'])
  })
})
