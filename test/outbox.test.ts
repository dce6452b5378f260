import { describe, it } from 'vitest'
import { outboxAfter } from '../durable-objects/run-outbox'
import { createDb } from '../workers/db/client'
import { syncRun } from '../workers/db/runs'
import { admin, call, createTenant, env } from './helpers/api'
import { tickAt } from './helpers/cron'
import { run, until } from './helpers/runs'

describe("a run's outbox when two delivery passes overlap", () => {
  // A pass (A) delivers a snapshot; a cancel arrives while it awaits and starts its own pass (B).
  const owedAgain = new Set(['d1', 'notify'])

  it('the pass that ends last keeps what the other failed to deliver', ({ expect }) => {
    // B ended first: its D1 write failed, so B left d1 and notify (B did not get to it) in the outbox.
    const afterB = ['d1', 'notify'] as const
    // A ends now. It delivered its own d1, but d1 was owed again by the cancel: it stays.
    expect(outboxAfter(afterB, ['d1'], [], (item) => owedAgain.has(item))).toEqual(['d1', 'notify'])
    // Without the cancel, A's delivered d1 goes and what A never attempted stays.
    expect(outboxAfter(afterB, ['d1'], [], () => false)).toEqual(['notify'])
  })

  it('a pass removes only what it delivered; what failed stays for the alarm', ({ expect }) => {
    expect(outboxAfter(['d1', 'thread', 'notify'], ['d1', 'thread', 'notify'], ['thread'], () => false)).toEqual(['thread'])
    // Held items (not attempted) stay: the claim leaves d1 for the running-sync alarm.
    expect(outboxAfter(['d1', 'thread'], [], [], () => false)).toEqual(['d1', 'thread'])
    // An item the other pass removed meanwhile is not brought back.
    expect(outboxAfter([], ['d1'], ['d1'], () => true)).toEqual([])
  })
})

describe("a run's D1 row takes the newest of its writes, in whatever order they arrive", () => {
  it('an older snapshot written after a newer one changes neither the run nor its schedule', async ({ expect }) => {
    const t = await createTenant('sync-order')
    await admin('PATCH', `/organizations/${t.orgId}`, { retention_days: 3650 })
    const agentId = (await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Order' } })).body.id
    const schedule = (await call('POST', `/v1/organizations/${t.orgId}/schedules`, { key: t.key, body: { agent_id: agentId, input: 'hello', cron: '0 9 * * *' } })).body
    // A tick's run is the schedule's last run, whose status the schedule shows.
    await env.DB.prepare('UPDATE schedules SET next_run_at = ? WHERE id = ?').bind('2030-01-01T09:00:00.000Z', schedule.id).run()
    await tickAt('2030-01-01T09:00:00.000Z')
    const runId = (await call('GET', `/v1/organizations/${t.orgId}/schedules/${schedule.id}/executions`, { key: t.key })).body.items[0].id as string
    const done = await run(runId).wait(10_000)
    expect(done.status).toBe('success')

    const row = () => env.DB.prepare('SELECT status, ended_at, synced_seq FROM runs WHERE id = ?').bind(runId).first<{ status: string; ended_at: string | null; synced_seq: number }>()
    const lastStatus = () => env.DB.prepare('SELECT last_status FROM schedules WHERE id = ?').bind(schedule.id).first<string>('last_status')
    await until(row, (r) => r?.status === 'success')
    const final = await row()
    // The row carries the seq of the snapshot it was written from: the run's last event (done).
    expect(final).toMatchObject({ status: 'success', synced_seq: done.last_seq })
    expect(await lastStatus()).toBe('success')

    // The claim's "running" write, arriving late.
    const db = createDb(env.DB)
    const stale = { ...done, status: 'running' as const, output: null, ended_at: null, last_seq: 2 }
    await syncRun(db, stale, schedule.id)
    expect(await row()).toEqual(final)
    expect(await lastStatus()).toBe('success')

    // The same write with a newer seq lands, schedule included: the guard is the seq, nothing else.
    await syncRun(db, { ...stale, last_seq: done.last_seq + 1 }, schedule.id)
    expect(await row()).toEqual({ status: 'running', ended_at: null, synced_seq: done.last_seq + 1 })
    expect(await lastStatus()).toBe('running')
  })
})
