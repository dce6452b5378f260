import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { createDb } from '../workers/db/client'
import { getRun, insertRun, mirrorThread, type RunInsert } from '../workers/db/runs'
import { admin, createTenant } from './helpers/api'
import { acp } from './helpers/acp'

describe('run creation: one statement writes the run and reads what creation needs', () => {
  it('the row it answers is the row D1 holds; budget, spend and context come back with it', async ({ expect }) => {
    const t = await createTenant('insert-run')
    const agentId = (await acp(t, 'POST', '/agents/search', {})).body[0].agent_id as string
    const db = createDb(env.DB)
    const base = (id: string, threadId: string | null): RunInsert => ({
      id,
      orgId: t.orgId,
      agentId,
      agentVersion: 1,
      threadId,
      channel: 'acp',
      name: 'hello',
      status: 'pending',
      model: 'dev',
      input: 'hello there',
      createdBy: t.userId,
      userIdentifier: 'u-1',
      groupIdentifier: null,
      ipAddress: '127.0.0.1',
      userAgent: null,
      metadata: { job: 'a', n: 1 },
      creation: { input: 'hello there', nested: { ok: true } },
      scheduleId: null,
      stateless: true,
    })

    const plain = await insertRun(db, base(crypto.randomUUID(), null))
    expect(plain.row).toEqual(await getRun(db, t.orgId, plain.row.id))
    expect(plain).toMatchObject({ threadCreated: false, budget: null, spent: 0, context: { granted_services: [], org_search: false, org_hooks: false } })

    const threadId = crypto.randomUUID()
    const thread = { id: threadId, orgId: t.orgId, agentId, createdBy: t.userId, status: 'busy' as const }
    const first = await insertRun(db, { ...base(crypto.randomUUID(), threadId), stateless: false, metadata: null, creation: null }, thread)
    expect(first.threadCreated).toBe(true)
    expect(first.row).toEqual(await getRun(db, t.orgId, first.row.id))
    expect(await env.DB.prepare('SELECT status FROM threads WHERE id = ?').bind(threadId).first('status')).toBe('busy')
    // The same new thread again (a racing first run): the thread is not made twice, the run still is.
    const second = await insertRun(db, base(crypto.randomUUID(), threadId), thread)
    expect(second.threadCreated).toBe(false)
    expect(second.row.number).toBeGreaterThan(first.row.number)

    // What the org has spent this month is read in the same statement, as it was before this run.
    await admin('PATCH', `/organizations/${t.orgId}`, { monthly_budget_usd: 5 })
    await env.DB.prepare('UPDATE runs SET cost_total = 1.25 WHERE id = ?').bind(plain.row.id).run()
    await env.DB.prepare("INSERT INTO webhook_endpoints (id, org_id, url, secret_ciphertext, event_types, enabled) VALUES (?, ?, 'https://hooks.example.test/x', 'sealed', '[]', 1)")
      .bind(crypto.randomUUID(), t.orgId)
      .run()
    const budgeted = await insertRun(db, base(crypto.randomUUID(), null))
    expect(budgeted).toMatchObject({ budget: 5, spent: 1.25, context: { org_hooks: true } })
  })

  it("a thread's mirror write lands only when newer than the row: a run's late final batch never undoes the thread's own later write", async ({ expect }) => {
    const t = await createTenant('mirror')
    const agentId = (await acp(t, 'POST', '/agents/search', {})).body[0].agent_id as string
    const db = createDb(env.DB)
    const threadId = crypto.randomUUID()
    await env.DB.prepare("INSERT INTO threads (id, org_id, agent_id, status) VALUES (?, ?, ?, 'busy')").bind(threadId, t.orgId, agentId).run()
    const row = () => env.DB.prepare('SELECT status, "values", mirror_version FROM threads WHERE id = ?').bind(threadId).first()
    await mirrorThread(db, { thread_id: threadId, status: 'busy', last_output: 'second', version: 2 })
    await mirrorThread(db, { thread_id: threadId, status: 'idle', last_output: 'first', version: 1 })
    expect(await row()).toEqual({ status: 'busy', values: '{"output":"second"}', mirror_version: 2 })
    await mirrorThread(db, { thread_id: threadId, status: 'idle', last_output: 'third', version: 3 })
    expect(await row()).toEqual({ status: 'idle', values: '{"output":"third"}', mirror_version: 3 })
  })
})
