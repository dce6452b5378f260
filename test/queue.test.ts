import { evictDurableObject, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, it } from 'vitest'
import { call, createTenant, env } from './helpers/api'
import { RunStore } from '../durable-objects/run-store'
import { allEvents, d1Writes, deliver, deltas, run, until } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

/**
 * Time passing for the lease, written straight into the object's storage; the object is then evicted
 * so it reads its row afresh (it keeps the row in memory between its own writes).
 */
async function expireLease(runId: string, extra = '') {
  await runInDurableObject(env.RUNS.getByName(runId), (_, state) => {
    state.storage.sql.exec(`UPDATE run SET lease_expires_ms = 0${extra}`)
  })
  await evictDurableObject(env.RUNS.getByName(runId))
}

describe('where a run runs', () => {
  it('a run due now runs in its own object: the object holds its lease, no consumer is involved', async ({ expect }) => {
    const t = await createTenant('here')
    const s = await startTurn(t, { message: '/slow 30 /tokens 10' })
    const owner = await until(
      () => runInDurableObject(env.RUNS.getByName(s.turn_id), (_, state) => new RunStore(state.storage.sql).get()?.lease_owner ?? null),
      (o) => o !== null,
    )
    expect(owner).toMatch(/^object:/)
    expect((await waitTurn(t, s)).status).toBe('success')
  })
})

describe('queue delivery', () => {
  it('a duplicate delivery while the run is leased is retried, not run twice', async ({ expect }) => {
    const t = await createTenant('dup')
    const s = await startTurn(t, { message: '/slow 20 /tokens 30' })
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length >= 2,
    )
    const result = await deliver([s.turn_id])
    expect(result.retryMessages).toHaveLength(1)
    expect(result.explicitAcks).toEqual([])
    expect((await waitTurn(t, s)).status).toBe('success')

    const after = await deliver([s.turn_id, s.turn_id])
    expect(after.explicitAcks).toHaveLength(2)
    const events = await allEvents(s.turn_id)
    expect(deltas(events)).toEqual(Array.from({ length: 30 }, (_, i) => `tok${i + 1}`))
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1)
  })

  it('a consumer that dies mid-run is retried and completes without duplicated events', async ({ expect }) => {
    const t = await createTenant('crash')
    const s = await startTurn(t, { message: '/slow 30 /crash 3 /tokens 8' })
    // Attempt 1 streams three tokens, then its consumer dies holding the lease.
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length === 3,
    )
    await new Promise((r) => setTimeout(r, 150))
    expect((await run(s.turn_id).snapshot()).status).toBe('running')
    expect(deltas(await allEvents(s.turn_id))).toEqual(['tok1', 'tok2', 'tok3'])

    await expireLease(s.turn_id)
    const result = await deliver([s.turn_id], 2)
    expect(result.explicitAcks).toHaveLength(1)
    const events = await allEvents(s.turn_id)
    expect(deltas(events)).toEqual(['tok1', 'tok2', 'tok3', 'tok4', 'tok5', 'tok6', 'tok7', 'tok8'])
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1))
    expect(events.filter((e) => e.type === 'message')).toHaveLength(1)
    expect(events.filter((e) => e.type === 'usage')).toHaveLength(1)
    expect(events.at(-1)).toMatchObject({ type: 'done', data: { status: 'success' } })
  })

  it('the alarm wakes a run whose consumer died: it is queued again and finishes', async ({ expect }) => {
    const t = await createTenant('wake')
    const s = await startTurn(t, { message: '/slow 30 /crash 2 /tokens 4' })
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length === 2,
    )
    await new Promise((r) => setTimeout(r, 100))
    await expireLease(s.turn_id)
    expect(await runDurableObjectAlarm(env.RUNS.getByName(s.turn_id))).toBe(true)
    const done = await waitTurn(t, s)
    expect(done.status).toBe('success')
    expect(deltas(await allEvents(s.turn_id))).toEqual(['tok1', 'tok2', 'tok3', 'tok4'])
  })

  it("a creation's queue message that never arrives: the run's wake alarm sends it again and it finishes", async ({ expect }) => {
    const t = await createTenant('lost-message')
    // Its message waits an hour in the queue: as good as lost for this test.
    const made = await call('POST', '/acp/runs', { headers: { 'x-api-key': t.key }, body: { input: '/tokens 2', after_seconds: 3600 } })
    expect(made.status).toBe(200)
    const id = made.body.run_id as string
    expect((await run(id).snapshot()).status).toBe('pending')
    // The hour and the wake wait pass: the run is due and its message was not consumed.
    await runInDurableObject(env.RUNS.getByName(id), (_, state) => {
      state.storage.sql.exec('UPDATE run SET queued_ms = ?, start_at_ms = ?', Date.now() - 61_000, Date.now() - 61_000)
    })
    await evictDurableObject(env.RUNS.getByName(id))
    expect(await runDurableObjectAlarm(env.RUNS.getByName(id))).toBe(true)
    const done = await run(id).wait(10_000)
    expect(done.status).toBe('success')
    expect(await runInDurableObject(env.RUNS.getByName(id), (_, state) => state.storage.sql.exec<{ wakes: number }>('SELECT wakes FROM run').one().wakes)).toBe(1)
  })

  it('a run that keeps dying is failed as abandoned, never left running', async ({ expect }) => {
    const t = await createTenant('abandon')
    const s = await startTurn(t, { message: '/slow 30 /crash 1 /tokens 3' })
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length === 1,
    )
    await expireLease(s.turn_id, ', wakes = 5')
    await runDurableObjectAlarm(env.RUNS.getByName(s.turn_id))
    const snap = await run(s.turn_id).snapshot()
    expect(snap).toMatchObject({ status: 'error', error: { code: 'abandoned' } })
    expect(await env.DB.prepare('SELECT status FROM runs WHERE id = ?').bind(s.turn_id).first('status')).toBe('error')
  })
})

describe('D1 writes', () => {
  it('at most one write per state change: the count does not grow with tokens', async ({ expect }) => {
    const t = await createTenant('d1-writes')
    const small = await startTurn(t, { message: '/tokens 5' })
    const large = await startTurn(t, { message: '/tokens 2000' })
    await waitTurn(t, small)
    expect((await waitTurn(t, large)).usage.completion_tokens).toBe(2000)
    // running, success: at most two writes (the insert at creation is the API's); "running" is left
    // for the alarm and dropped when the run ends first, so a short run makes one.
    for (const id of [small.turn_id, large.turn_id]) expect([1, 2]).toContain(await d1Writes(id))
    const row = await env.DB.prepare('SELECT status, completion_tokens, total_tokens, cost_completion, time_to_first_token_ms FROM runs WHERE id = ?').bind(large.turn_id).first()
    expect(row).toMatchObject({ status: 'success', completion_tokens: 2000, cost_completion: 0.004 })
    expect(row?.time_to_first_token_ms).toEqual(expect.any(Number))
  })

  it('"running" reaches D1 from the alarm while the run goes on, and only once', async ({ expect }) => {
    const t = await createTenant('d1-running')
    const s = await startTurn(t, { message: '/slow 20 /tokens 100' })
    const status = () => env.DB.prepare('SELECT status FROM runs WHERE id = ?').bind(s.turn_id).first('status')
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length >= 1,
    )
    // Claimed and streaming; the alarm (due RUNNING_SYNC_MS after the claim) writes the row.
    await runDurableObjectAlarm(env.RUNS.getByName(s.turn_id))
    expect(await status()).toBe('running')
    expect(await d1Writes(s.turn_id)).toBe(1)
    expect((await waitTurn(t, s)).status).toBe('success')
    expect(await status()).toBe('success')
    expect(await d1Writes(s.turn_id)).toBe(2)
  })
})
