import { evictDurableObject, runInDurableObject } from 'cloudflare:test'
import { describe, it } from 'vitest'
import { admin, call, createTenant, env } from './helpers/api'
import { tickAt } from './helpers/cron'
import { allEvents, deltas, until } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const now = () => new Date().toISOString()

describe('stuck-run sweeper (cron)', () => {
  it('a running run whose consumer died and whose alarm was lost is woken and finishes', async ({ expect }) => {
    const t = await createTenant('sweep')
    await admin('PATCH', `/organizations/${t.orgId}`, { retention_days: 3650 })
    const s = await startTurn(t, { message: '/slow 30 /crash 2 /tokens 4' })
    await until(
      () => allEvents(s.turn_id),
      (e) => deltas(e).length === 2,
    )
    await new Promise((r) => setTimeout(r, 100))
    await runInDurableObject(env.RUNS.getByName(s.turn_id), async (_, state) => {
      state.storage.sql.exec('UPDATE run SET lease_expires_ms = 0')
      await state.storage.deleteAlarm()
    })
    // The object keeps its row in memory between its own writes: evicted, it reads the one written here.
    await evictDurableObject(env.RUNS.getByName(s.turn_id))
    await env.DB.prepare("UPDATE runs SET created_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(s.turn_id).run()
    await tickAt(now())
    expect((await waitTurn(t, s)).status).toBe('success')
    expect(deltas(await allEvents(s.turn_id))).toEqual(['tok1', 'tok2', 'tok3', 'tok4'])
  })

  it("a run whose final D1 batch never landed is written again, and its thread's row with it", async ({ expect }) => {
    const t = await createTenant('sweep-lost-write')
    await admin('PATCH', `/organizations/${t.orgId}`, { retention_days: 3650 })
    const s = await startTurn(t, { message: 'hello' })
    expect((await waitTurn(t, s)).status).toBe('success')
    const runRow = () => env.DB.prepare('SELECT status, output, ended_at IS NOT NULL AS ended, synced_seq > 0 AS synced FROM runs WHERE id = ?').bind(s.turn_id).first()
    const threadRow = () => env.DB.prepare('SELECT status, mirror_version FROM threads WHERE id = ?').bind(s.session_id).first<{ status: string; mirror_version: number }>()
    const ended = await threadRow()
    expect(ended?.status).toBe('idle')
    // As if the turn's final batch (the run's row and its thread's) had failed and its outbox item been lost.
    await env.DB.batch([
      env.DB.prepare("UPDATE runs SET status = 'running', output = NULL, ended_at = NULL, synced_seq = 0, created_at = '2020-01-01T00:00:00.000Z' WHERE id = ?").bind(s.turn_id),
      env.DB.prepare("UPDATE threads SET status = 'busy', mirror_version = mirror_version - 1 WHERE id = ?").bind(s.session_id),
    ])
    await tickAt(now())
    expect(await runRow()).toEqual({ status: 'success', output: 'You said: hello', ended: 1, synced: 1 })
    expect(await threadRow()).toEqual(ended)
  })

  it('a run recorded in D1 that never reached its Durable Object is failed as lost', async ({ expect }) => {
    const t = await createTenant('lost')
    const agent = (await call('GET', `/v1/organizations/${t.orgId}/agents`, { key: t.key })).body.items[0]
    const id = crypto.randomUUID()
    await env.DB.prepare(
      "INSERT INTO runs (id, org_id, agent_id, agent_version, channel, status, model, input, created_at) VALUES (?, ?, ?, 1, 'api', 'pending', 'dev/echo', 'x', '2020-01-01T00:00:00.000Z')",
    )
      .bind(id, t.orgId, agent.id)
      .run()
    await tickAt(now())
    expect(await env.DB.prepare('SELECT status, error_code FROM runs WHERE id = ?').bind(id).first()).toEqual({ status: 'error', error_code: 'lost' })
  })
})

describe('retention (cron)', () => {
  it('deletes finished runs and their events past the org retention, in batches; keeps the rest', async ({ expect }) => {
    const short = await createTenant('retention-short')
    const long = await createTenant('retention-long')
    await admin('PATCH', `/organizations/${short.orgId}`, { retention_days: 1 })
    const a = await startTurn(short, { message: 'old run' })
    const b = await startTurn(long, { message: 'old but kept' })
    const c = await startTurn(short, { message: 'recent run' })
    for (const [t, s] of [
      [short, a],
      [long, b],
      [short, c],
    ] as const)
      await waitTurn(t, s)
    const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString()
    await env.DB.prepare('UPDATE runs SET ended_at = ? WHERE id IN (?, ?)').bind(threeDaysAgo, a.turn_id, b.turn_id).run()
    expect((await allEvents(a.turn_id)).length).toBeGreaterThan(0)

    await tickAt(now())
    const left = await env.DB.prepare('SELECT id FROM runs WHERE id IN (?, ?, ?)').bind(a.turn_id, b.turn_id, c.turn_id).all<{ id: string }>()
    expect(left.results.map((r) => r.id).sort()).toEqual([b.turn_id, c.turn_id].sort())
    expect(await allEvents(a.turn_id)).toEqual([])
    expect((await allEvents(b.turn_id)).length).toBeGreaterThan(0)
    // The recent run of the same org keeps its event log.
    expect((await allEvents(c.turn_id)).map((e) => e.type)).toContain('done')
  })
})
