import { afterEach, describe, it, vi } from 'vitest'
import { SseHub } from '../durable-objects/sse'
import type { StoredEvent } from '../workers/runs/types'

afterEach(() => vi.useRealTimers())

const ev = (seq: number): StoredEvent => ({ seq, type: 'message_delta', data: { text: `t${seq}` }, created_at: '' })

async function drain(reader: ReadableStreamDefaultReader<Uint8Array>, n: number): Promise<string> {
  let out = ''
  for (let i = 0; i < n; i++) out += new TextDecoder().decode((await reader.read()).value)
  return out
}

describe('SseHub', () => {
  it('sends a keepalive comment every heartbeat while subscribed', async ({ expect }) => {
    vi.useFakeTimers()
    const hub = new SseHub()
    const reader = hub.subscribe(0, () => [], false).getReader()
    expect(await drain(reader, 1)).toBe('retry: 1000\n\n')
    // The README promises a keepalive every 15 s: none before the mark, one at it, one per period after.
    vi.advanceTimersByTime(14_999)
    hub.publish([ev(1)])
    expect(await drain(reader, 1)).toBe('id: 1\nevent: message_delta\ndata: {"text":"t1"}\n\n')
    vi.advanceTimersByTime(1)
    expect(await drain(reader, 1)).toBe(': keepalive\n\n')
    vi.advanceTimersByTime(15_000)
    expect(await drain(reader, 1)).toBe(': keepalive\n\n')
    hub.closeAll()
    expect((await reader.read()).done).toBe(true)
  })

  it('replays strictly after the given id, then goes live without gap or repeat', async ({ expect }) => {
    const hub = new SseHub()
    const log = [ev(1), ev(2), ev(3)]
    const reader = hub.subscribe(1, (after, limit) => log.filter((e) => e.seq > after).slice(0, limit), false).getReader()
    await drain(reader, 1)
    const replay = await drain(reader, 1)
    expect(replay).toBe('id: 2\nevent: message_delta\ndata: {"text":"t2"}\n\nid: 3\nevent: message_delta\ndata: {"text":"t3"}\n\n')
    hub.publish([ev(4)])
    expect(await drain(reader, 1)).toBe('id: 4\nevent: message_delta\ndata: {"text":"t4"}\n\n')
  })

  it('drops a subscriber that stops reading instead of buffering forever', ({ expect }) => {
    const hub = new SseHub()
    hub.subscribe(0, () => [], false)
    for (let i = 1; i <= 2100; i++) hub.publish([ev(i)])
    expect(hub.size).toBe(0)
  })
})
