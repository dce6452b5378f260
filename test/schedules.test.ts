import { beforeAll, describe, it } from 'vitest'
import { nextSlot } from '../workers/lib/cron'
import { admin, call, createTenant, env, type Tenant } from './helpers/api'
import { tickAt } from './helpers/cron'
import { allEvents, until } from './helpers/runs'

let t: Tenant
let agentId: string
const url = (p = '') => `/v1/organizations/${t.orgId}/schedules${p}`

beforeAll(async () => {
  t = await createTenant('schedules')
  // Ticks here run at 2030 timestamps; a long retention keeps the retention job off this org's runs.
  await admin('PATCH', `/organizations/${t.orgId}`, { retention_days: 3650 })
  agentId = (await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Reporter' } })).body.id
})

async function schedule(body: Record<string, unknown>) {
  const res = await call('POST', url(), { key: t.key, body: { agent_id: agentId, input: 'morning report', cron: '*/5 * * * *', ...body } })
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`)
  return res.body
}

const setNext = (id: string, at: string | null) => env.DB.prepare('UPDATE schedules SET next_run_at = ? WHERE id = ?').bind(at, id).run()
const executions = async (id: string) => (await call('GET', url(`/${id}/executions`), { key: t.key })).body
const nextOf = async (id: string) => (await call('GET', url(`/${id}`), { key: t.key })).body.next_run_at

describe('schedules API', () => {
  it('creates with next_run_at from the cron, lists, patches, deletes', async ({ expect }) => {
    const s = await schedule({ name: 'Every 5', timezone: 'Europe/Berlin' })
    expect(s).toMatchObject({ name: 'Every 5', cron: '*/5 * * * *', timezone: 'Europe/Berlin', enabled: true, last_status: null })
    expect(new Date(s.next_run_at).getUTCMinutes() % 5).toBe(0)
    expect(Date.parse(s.next_run_at)).toBeGreaterThan(Date.now())
    const list = await call('GET', url(), { key: t.key })
    expect(list.body.items.some((x: { id: string }) => x.id === s.id)).toBe(true)
    const paused = await call('PATCH', url(`/${s.id}`), { key: t.key, body: { enabled: false } })
    expect(paused.body).toMatchObject({ enabled: false, next_run_at: null })
    const resumed = await call('PATCH', url(`/${s.id}`), { key: t.key, body: { enabled: true, cron: '0 9 * * *' } })
    expect(resumed.body.next_run_at).toMatch(/T0[78]:00:00\.000Z$/) // 09:00 Berlin is 07:00 or 08:00 UTC
    expect((await call('DELETE', url(`/${s.id}`), { key: t.key })).status).toBe(204)
    expect((await call('GET', url(`/${s.id}`), { key: t.key })).status).toBe(404)
  })

  it('422 names the field for a bad cron or time zone', async ({ expect }) => {
    for (const [body, loc] of [
      [{ cron: '* * *' }, 'body.cron'],
      [{ cron: '61 * * * *' }, 'body.cron'],
      [{ cron: '0 0 * * * *' }, 'body.cron'],
      [{ timezone: 'Mars/Olympus' }, 'body.timezone'],
      [{ agent_id: undefined }, 'body.agent_id'],
    ] as const) {
      const res = await call('POST', url(), { key: t.key, body: { agent_id: agentId, input: 'x', cron: '* * * * *', ...body } })
      expect(res.status, loc).toBe(422)
      expect(
        res.body.detail.map((d: { loc: string[] }) => d.loc.join('.')),
        loc,
      ).toContain(loc)
    }
  })

  it('run now starts a cron-channel run; executions lists it', async ({ expect }) => {
    const s = await schedule({})
    const run = await call('POST', url(`/${s.id}/run`), { key: t.key })
    expect(run.status).toBe(202)
    expect(run.body).toMatchObject({ channel: 'cron', metadata: { schedule_id: s.id, manual: true } })
    expect((await executions(s.id)).items.map((r: { id: string }) => r.id)).toEqual([run.body.id])
    expect(await nextOf(s.id)).toBe(s.next_run_at)
  })
})

describe('the cron tick (controlled time)', () => {
  it('starts one run when a slot is due, none before, and advances next_run_at', async ({ expect }) => {
    const s = await schedule({})
    await setNext(s.id, '2030-01-01T09:00:00.000Z')
    await tickAt('2030-01-01T08:59:00.000Z')
    expect((await executions(s.id)).total).toBe(0)
    await tickAt('2030-01-01T09:00:00.000Z')
    const after = await executions(s.id)
    expect(after.total).toBe(1)
    expect(after.items[0]).toMatchObject({ channel: 'cron', metadata: { schedule_id: s.id, slot: '2030-01-01T09:00:00.000Z' } })
    expect(await nextOf(s.id)).toBe('2030-01-01T09:05:00.000Z')
    const row = (await call('GET', url(`/${s.id}`), { key: t.key })).body
    expect(row).toMatchObject({ last_run_at: '2030-01-01T09:00:00.000Z', last_run_id: after.items[0].id })
    // The run's end reaches the schedule in the same D1 write as the run's own row.
    await until(
      () => call('GET', url(`/${s.id}`), { key: t.key }),
      (r) => r.body.last_status === 'success',
    )
  })

  it('a doubled tick (two at once, same time) starts the slot once', async ({ expect }) => {
    const s = await schedule({})
    await setNext(s.id, '2030-02-01T10:00:00.000Z')
    await Promise.all([tickAt('2030-02-01T10:00:00.000Z'), tickAt('2030-02-01T10:00:00.000Z'), tickAt('2030-02-01T10:00:30.000Z')])
    expect((await executions(s.id)).total).toBe(1)
    // A tick that finds its slot already taken (a crash after the claim) only moves on.
    await env.DB.prepare("INSERT INTO schedule_slots (schedule_id, slot) VALUES (?, '2030-02-01T10:05:00.000Z')").bind(s.id).run()
    await tickAt('2030-02-01T10:05:00.000Z')
    expect((await executions(s.id)).total).toBe(1)
    expect(await nextOf(s.id)).toBe('2030-02-01T10:10:00.000Z')
  })

  it('after downtime the missed slots run once, not once each', async ({ expect }) => {
    const s = await schedule({})
    await setNext(s.id, '2030-03-01T06:00:00.000Z') // 3 hours = 36 missed slots
    await tickAt('2030-03-01T09:00:10.000Z')
    expect((await executions(s.id)).total).toBe(1)
    expect(await nextOf(s.id)).toBe('2030-03-01T09:05:00.000Z')
    await tickAt('2030-03-01T09:01:00.000Z')
    expect((await executions(s.id)).total).toBe(1)
  })

  it('honours the time zone across a DST change', async ({ expect }) => {
    const s = await schedule({ cron: '0 9 * * *', timezone: 'America/New_York' })
    await setNext(s.id, '2027-03-13T14:00:00.000Z') // 09:00 EST
    await tickAt('2027-03-13T14:00:00.000Z')
    expect(await nextOf(s.id)).toBe('2027-03-14T13:00:00.000Z') // 09:00 EDT, the day DST starts
    expect((await executions(s.id)).total).toBe(1)
  })

  it('DST edge cases of the cron library', ({ expect }) => {
    // 02:30 does not exist in Berlin on 2027-03-28: it runs at 03:00 local (01:00Z).
    expect(nextSlot('30 2 * * *', 'Europe/Berlin', new Date('2027-03-27T02:00:00Z'))).toBe('2027-03-28T01:00:00.000Z')
    // 02:30 happens twice on 2027-10-31: it runs once (the first), then the next day.
    expect(nextSlot('30 2 * * *', 'Europe/Berlin', new Date('2027-10-31T00:00:00Z'))).toBe('2027-10-31T00:30:00.000Z')
    expect(nextSlot('30 2 * * *', 'Europe/Berlin', new Date('2027-10-31T00:30:00Z'))).toBe('2027-11-01T01:30:00.000Z')
  })

  it('a disabled schedule does nothing, even with a past next_run_at', async ({ expect }) => {
    const s = await schedule({ enabled: false })
    expect(s.next_run_at).toBeNull()
    await setNext(s.id, '2030-04-01T00:00:00.000Z')
    await tickAt('2030-04-01T00:05:00.000Z')
    expect((await executions(s.id)).total).toBe(0)
  })

  it('a refused slot (agent disabled) is used up and says why', async ({ expect }) => {
    const agent = (await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Soon off' } })).body
    const s = (await call('POST', url(), { key: t.key, body: { agent_id: agent.id, input: 'x', cron: '*/5 * * * *' } })).body
    await call('PATCH', `/v1/organizations/${t.orgId}/agents/${agent.id}`, { key: t.key, body: { is_enabled: false } })
    await setNext(s.id, '2030-05-01T00:00:00.000Z')
    await tickAt('2030-05-01T00:00:00.000Z')
    expect((await call('GET', url(`/${s.id}`), { key: t.key })).body).toMatchObject({ last_status: 'refused: invalid', next_run_at: '2030-05-01T00:05:00.000Z' })
  })
})

describe('task tools (seed 003)', () => {
  const toolResult = async (runId: string) => JSON.parse(String((await allEvents(runId)).find((e) => e.type === 'tool_result')?.data.result))
  const turn = async (message: string) => {
    const s = (await call('POST', '/v1/sessions/stream', { key: t.key, body: { org_id: t.orgId, agent_id: agentId, message } })).body
    await call('GET', `/v1/sessions/${s.session_id}/turns/${s.turn_id}/wait?timeout=20`, { key: t.key })
    return toolResult(s.turn_id)
  }

  it('manage_task creates and toggles, query_tasks lists; task_runtime refuses outside a task', async ({ expect }) => {
    const created = await turn('/tool manage_task {"action":"create","input":"daily digest","cron":"0 9 * * *","timezone":"Europe/Berlin"}')
    expect(created).toMatchObject({ input: 'daily digest', timezone: 'Europe/Berlin', enabled: true, agent_id: agentId })
    expect(await turn(`/tool manage_task {"action":"toggle","task_id":"${created.id}"}`)).toMatchObject({ enabled: false })
    const listed = await turn('/tool query_tasks {"action":"list"}')
    expect(listed.map((x: { id: string }) => x.id)).toContain(created.id)
    expect(await turn('/tool manage_task {"action":"create","input":"x","cron":"bad"}')).toMatchObject({ error: expect.stringMatching(/cron/) })
    expect(await turn('/tool task_runtime {"action":"load_state"}')).toMatchObject({ error: expect.stringMatching(/only inside/) })
  })

  it('task_runtime saves state from inside a scheduled execution', async ({ expect }) => {
    const s = await schedule({ input: '/tool task_runtime {"action":"save_state","state":{"cursor":42}}' })
    await setNext(s.id, '2030-06-01T00:00:00.000Z')
    await tickAt('2030-06-01T00:00:00.000Z')
    const run = (await executions(s.id)).items[0]
    await call('GET', `/v1/organizations/${t.orgId}/runs/${run.id}/wait?timeout=20`, { key: t.key })
    expect(await env.DB.prepare('SELECT state FROM schedules WHERE id = ?').bind(s.id).first('state')).toBe('{"cursor":42}')
  })
})
