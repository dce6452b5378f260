import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { RunStore } from '../durable-objects/run-store'
import type { RunSpec } from '../workers/runs/types'

const spec = { run_id: 'r1', org_id: 1, agent_id: 'a1', input: 'hi', timeout_ms: 60_000 } as unknown as RunSpec

describe('RunStore: the row it keeps in memory is the row SQLite holds', () => {
  it('after init, after changes flushed, and after a failed-to-flush change is never written', async ({ expect }) => {
    const rows = await runInDurableObject(env.RUNS.getByName(crypto.randomUUID()), async (_, state) => {
      await state.storage.deleteAll()
      const store = new RunStore(state.storage.sql)
      // What a second store on the same storage reads: SQLite's row, not a cache.
      const stored = () => new RunStore(state.storage.sql).get()
      const out: { label: string; cached: unknown; stored: unknown }[] = []
      const check = (label: string) => out.push({ label, cached: store.get(), stored: stored() })

      store.init(spec, '2026-11-25T00:00:00.000Z', { deadline_ms: 0, start_at_ms: 5, queued_ms: 7, outbox: ['enqueue'] })
      check('init')
      store.update({ status: 'running', started_at: '2026-11-25T00:00:01.000Z', started_ms: 1000, lease_owner: 'c1', lease_expires_ms: 31_000, attempt: 1, outbox: '["d1"]' })
      store.addUsage({ prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 })
      store.countD1Write()
      const beforeFlush = stored()
      store.flush()
      check('flushed')
      // A second init of the same run changes nothing and leaves the cache to storage.
      const again = store.init(spec, 'later', { deadline_ms: 9, start_at_ms: 9, queued_ms: 9, outbox: [] })
      check('second init')
      return { out, beforeFlush, again }
    })
    for (const { label, cached, stored } of rows.out) expect(cached, label).toEqual(stored)
    expect(rows.out[0]?.stored).toMatchObject({ status: 'pending', queued_ms: 7, start_at_ms: 5, outbox: ['enqueue'], attempt: 0, usage: { total_tokens: 0 } })
    // Changes wait for flush() (one UPDATE a call), and then all of them are there.
    expect(rows.beforeFlush).toMatchObject({ status: 'pending', attempt: 0 })
    expect(rows.out[1]?.stored).toMatchObject({ status: 'running', lease_owner: 'c1', attempt: 1, d1_writes: 1, outbox: ['d1'], usage: { prompt_tokens: 3, completion_tokens: 4, total_tokens: 7 } })
    expect(rows.again).toBe(false)
    expect(rows.out[2]?.stored).toMatchObject({ status: 'running', created_at: '2026-11-25T00:00:00.000Z' })
  })

  it('appends a batch in one statement: order kept, known and repeated keys skipped, data stored as given', async ({ expect }) => {
    const out = await runInDurableObject(env.RUNS.getByName(crypto.randomUUID()), async (_, state) => {
      await state.storage.deleteAll()
      const store = new RunStore(state.storage.sql)
      const data = { text: 'é ✓ "quoted" \\ \n', n: 0.1, big: 1e21, nested: { list: [1, null, true] } }
      const first = store.append(
        [
          { type: 'status', data: { status: 'pending' } },
          { type: 'message_delta', data: { text: 'a' }, key: 's0:d0' },
        ],
        't1',
      )
      const second = store.append(
        [
          { type: 'message_delta', data: { text: 'a again' }, key: 's0:d0' },
          { type: 'message_delta', data: { text: 'b' }, key: 's0:d1' },
          { type: 'message_delta', data: { text: 'b twice' }, key: 's0:d1' },
          { type: 'message', data, key: 's0:message' },
          { type: 'status', data: { status: 'running' } },
        ],
        't2',
      )
      const none = store.append([{ type: 'message_delta', data: { text: 'a' }, key: 's0:d0' }], 't3')
      return { first, second, none, stored: store.eventsAfter(0, 100), last: store.lastSeq(), data }
    })
    expect(out.first.map((e) => [e.seq, e.type])).toEqual([
      [1, 'status'],
      [2, 'message_delta'],
    ])
    expect(out.second.map((e) => [e.seq, e.data])).toEqual([
      [3, { text: 'b' }],
      [4, out.data],
      [5, { status: 'running' }],
    ])
    expect(out.none).toEqual([])
    // What a reader replays is what was fanned out live, byte for byte once parsed.
    expect(out.stored.map((e) => [e.seq, e.type, e.data, e.created_at])).toEqual([...out.first, ...out.second].map((e) => [e.seq, e.type, e.data, e.created_at]))
    expect(out.last).toBe(5)
  })
})
