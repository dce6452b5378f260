import { env } from 'cloudflare:workers'
import { beforeAll, describe, it } from 'vitest'
import { call, createTenant, type Tenant } from './helpers/api'
import { run } from './helpers/runs'
import { startTurn, streamTurn, waitTurn } from './helpers/sessions'

/**
 * Counts D1 round trips made by the worker while a request is served: every statement executed on
 * its own (`all`, `raw`, `run`, `first`) and every `batch` is one trip to the database. The real
 * binding does the work; the counter only wraps its methods for the duration of one request.
 */
function countD1(): { trips: () => number; restore: () => void } {
  let trips = 0
  const db = env.DB as D1Database
  const statement = Object.getPrototypeOf(db.prepare('SELECT 1')) as Record<string, unknown>
  const originals: [Record<string, unknown>, string, unknown][] = []
  const wrap = (target: Record<string, unknown>, name: string) => {
    const original = target[name]
    if (typeof original !== 'function') return
    originals.push([target, name, original])
    target[name] = function (this: unknown, ...args: unknown[]) {
      trips += 1
      return (original as (...a: unknown[]) => unknown).apply(this, args)
    }
  }
  for (const name of ['all', 'raw', 'run', 'first']) wrap(statement, name)
  wrap(Object.getPrototypeOf(db) as Record<string, unknown>, 'batch')
  return {
    trips: () => trips,
    restore: () => {
      for (const [target, name, original] of originals) target[name] = original
    },
  }
}

let t: Tenant
/** Runs `work` with the counter on; its value and the round trips made meanwhile. */
async function tripsOf<T>(work: () => Promise<T>): Promise<{ value: T; trips: number }> {
  const counter = countD1()
  try {
    const value = await work()
    return { value, trips: counter.trips() }
  } finally {
    counter.restore()
  }
}

beforeAll(async () => {
  t = await createTenant('d1-trips')
  // Warm: the key, the membership and the sole organization are read once, then served from memory.
  await waitTurn(t, await startTurn(t, { message: 'warm up' }))
  await call('POST', '/acp/runs/wait', { headers: { 'x-api-key': t.key }, body: { input: 'warm up' } })
})

describe('D1 round trips on the hot paths (counted, not timed)', () => {
  it('creating a run: 1 once its agent is cached (the insert, whose RETURNING reads budget and run context; with a new thread, one batch), 2 on a miss', async ({ expect }) => {
    // The runs start in their objects at once: slow ones, so that their final writes fall after the count.
    const { value: res, trips: session } = await tripsOf(() => call('POST', '/v1/sessions/stream', { key: t.key, body: { message: '/slow 300 /tokens 2' } }))
    expect(res.status).toBe(202)
    const { value: acp, trips: acpTrips } = await tripsOf(() => call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: '/slow 300 /tokens 2' } }))
    expect(acp.status).toBe(200)
    // The agent was read by the warm-up (and is re-read after AGENT_CACHE_MS): 1, else 2.
    expect(session).toBeGreaterThanOrEqual(1)
    expect(session).toBeLessThanOrEqual(2)
    expect(acpTrips).toBeLessThanOrEqual(2)
    await waitTurn(t, res.body)
    // Back to back, the second of two creates finds the agent in memory.
    const first = await call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: 'warm' } })
    await run(first.body.run_id).wait(10_000)
    const { value: warm, trips: warmTrips } = await tripsOf(() => call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: '/slow 300 /tokens 2' } }))
    expect(warm.status).toBe(200)
    expect(warmTrips).toBe(1)
  })

  it('a short stateless ACP run, from creation to its end: 2 (the creation statement, the final row)', async ({ expect }) => {
    // The counter sees the whole isolate: warm the agent with a run that has ended before counting.
    const warm = await call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: 'warm' } })
    await run(warm.body.run_id).wait(10_000)
    const { value: snap, trips } = await tripsOf(async () => {
      const created = await call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: '/tokens 3' } })
      expect(created.status).toBe(200)
      // Waiters wake after the final D1 write; the consumer's loop and the outbox run in this isolate too.
      return run(created.body.run_id).wait(10_000)
    })
    expect(snap.status).toBe('success')
    // No agent read (cached), no grant or search-settings read (in the run's context), no webhook
    // endpoint read (same), no thread, and "running" never written: the run ended before its alarm.
    expect(trips).toBe(2)
  })

  it("a session's turn, from creation to its end: 2 (the creation batch with the new thread; the final batch with the thread's row)", async ({ expect }) => {
    const warm = await startTurn(t, { message: 'warm' })
    await run(warm.turn_id).wait(10_000)
    const {
      value: { s, snap },
      trips,
    } = await tripsOf(async () => {
      const s = await startTurn(t, { message: '/tokens 3' })
      const snap = await run(s.turn_id).wait(10_000)
      return { s, snap }
    })
    expect(snap.status).toBe('success')
    expect(trips).toBe(2)
    // The thread's row, written in the run's final batch: idle, with the turn's output.
    const row = await env.DB.prepare('SELECT status, "values", mirror_version FROM threads WHERE id = ?').bind(s.session_id).first<{ status: string; values: string; mirror_version: number }>()
    expect(row).toMatchObject({ status: 'idle', mirror_version: 1 })
    expect(JSON.parse(row?.values ?? '{}')).toEqual({ output: snap.output })
  })

  it("an SSE reader's connect: at most 1 (the run row); auth and membership come from memory", async ({ expect }) => {
    const s = await startTurn(t, { message: 'read me' })
    await waitTurn(t, s)
    const { value: res, trips } = await tripsOf(() => streamTurn(t, s))
    expect(res.status).toBe(200)
    await res.body?.cancel()
    expect(trips).toBe(1)
  })

  it("an ACP reader's connect: none (the run's fixed fields are in memory); a delete takes effect at once in the isolate", async ({ expect }) => {
    const headers = { 'x-api-key': t.key }
    const made = await call('POST', '/acp/runs', { headers, body: { input: 'read me too' } })
    expect(made.status).toBe(200)
    const runId = made.body.run_id
    await call('GET', `/acp/runs/${runId}/wait`, { headers })
    const { value: res, trips } = await tripsOf(() => call('GET', `/acp/runs/${runId}/stream`, { headers }))
    expect(res.status).toBe(200)
    expect(trips).toBe(0)
    expect((await call('DELETE', `/acp/runs/${runId}`, { headers })).status).toBe(204)
    expect((await call('GET', `/acp/runs/${runId}/stream`, { headers })).status).toBe(404)
  })

  it('a revoked key stops working at once in the isolate that revoked it', async ({ expect }) => {
    const other = await createTenant('d1-trips-revoke')
    const admin = { authorization: 'Bearer test-admin-token' }
    const made = await call('POST', `/admin/users/${other.userId}/api-keys`, { headers: admin, body: { name: 'revoked soon' } })
    expect((await call('GET', '/v1/users/me', { key: made.body.key })).status).toBe(200)
    const keyId = made.body.id
    expect((await call('DELETE', `/admin/api-keys/${keyId}`, { headers: { authorization: 'Bearer test-admin-token' } })).status).toBe(204)
    expect((await call('GET', '/v1/users/me', { key: made.body.key })).status).toBe(401)
    expect((await call('GET', '/v1/users/me', { key: other.key })).status).toBe(200)
  })
})
