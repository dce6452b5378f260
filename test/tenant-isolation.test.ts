import { beforeAll, describe, it } from 'vitest'
import { call, createTenant, env, type Tenant } from './helpers/api'

/**
 * Walks every org-scoped route of the OpenAPI document with a second org's key: against org A's
 * path it must be 403; against its own org with A's object ids, 404 (never reveal they exist).
 * D1 rows of org A must not change. New routes join the walk by being in the document.
 */
let a: Tenant
let b: Tenant
const ids: Record<string, string> = {}

beforeAll(async () => {
  a = await createTenant('iso-a')
  b = await createTenant('iso-b')
  const org = `/v1/organizations/${a.orgId}`
  const agent = await call('POST', `${org}/agents`, { key: a.key, body: { name: 'A agent' } })
  await call('PUT', `${org}/agents/${agent.body.id}/connectors`, { key: a.key, body: { connector_keys: ['yandex_market'] } })
  const cred = await call('POST', `${org}/credentials`, { key: a.key, body: { service_name: 'yandex_market', instance_id: 'a_oz', secret: 'a-secret' } })
  const grant = await call('POST', `${org}/agents/${agent.body.id}/grants`, { key: a.key, body: { credential_id: cred.body.id } })
  const run = await call('POST', `${org}/agent/run`, { key: a.key, body: { prompt: 'A secret plan' } })
  const runId = new URL(run.body.web_url).pathname.split('/').at(-1) ?? ''
  await call('GET', `${org}/runs/${runId}/wait?timeout=20`, { key: a.key })
  ids.agent_id = agent.body.id
  ids.credential_id = cred.body.id
  ids.grant_id = grant.body.id
  ids.run_id = runId
  ids.agent_run_id = String(run.body.id)
  ids.user_id = String(a.userId)
  const sched = await call('POST', `${org}/schedules`, { key: a.key, body: { agent_id: agent.body.id, input: 'A secret plan', cron: '0 9 * * *' } })
  const hook = await call('POST', `${org}/webhooks`, { key: a.key, body: { url: 'https://example.com/hook', event_types: ['run.succeeded'] } })
  ids.schedule_id = sched.body.id
  ids.webhook_id = hook.body.id
})

/** Valid bodies, so a 404/403 comes from isolation and not from validation. */
const BODIES: Record<string, unknown> = {
  'post /organizations/{org_id}/agents': { name: 'intruder' },
  'patch /organizations/{org_id}/agents/{agent_id}': { name: 'pwned' },
  'put /organizations/{org_id}/agents/{agent_id}/connectors': { connector_keys: ['yandex_market'] },
  'post /organizations/{org_id}/agents/{agent_id}/grants': { credential_id: 'CREDENTIAL' },
  'post /organizations/{org_id}/credentials': { service_name: 'yandex_market', instance_id: 'b_oz', secret: 'b' },
  'post /organizations/{org_id}/agent/run': { prompt: 'intrude' },
  'post /organizations/{org_id}/agent/run/resume': { agent_run_id: 'AGENT_RUN', prompt: 'continue' },
  'post /organizations/{org_id}/runs/{run_id}/resume': { answer: 'x' },
  'post /organizations/{org_id}/schedules': { agent_id: 'AGENT', input: 'x', cron: '* * * * *' },
  'patch /organizations/{org_id}/schedules/{schedule_id}': { enabled: false },
  'post /organizations/{org_id}/webhooks': { url: 'https://example.com/b', event_types: ['run.failed'] },
  'patch /organizations/{org_id}/webhooks/{webhook_id}': { enabled: false },
}

async function snapshotOrgA(): Promise<string> {
  const q = (sql: string) =>
    env.DB.prepare(sql)
      .bind(a.orgId)
      .all()
      .then((r) => r.results)
  return JSON.stringify([
    await q('SELECT * FROM agents WHERE org_id = ? ORDER BY id'),
    await q('SELECT v.* FROM agent_versions v JOIN agents g ON g.id = v.agent_id WHERE g.org_id = ? ORDER BY 1, 2'),
    await q('SELECT * FROM credentials WHERE org_id = ? ORDER BY id'),
    await q('SELECT * FROM grants WHERE org_id = ? ORDER BY id'),
    await q('SELECT * FROM memberships WHERE org_id = ?'),
    await q('SELECT * FROM runs WHERE org_id = ? ORDER BY number'),
    await q('SELECT * FROM threads WHERE org_id = ? ORDER BY id'),
    await q('SELECT * FROM schedules WHERE org_id = ? ORDER BY id'),
    await q('SELECT * FROM webhook_endpoints WHERE org_id = ? ORDER BY id'),
  ])
}

async function orgRoutes(): Promise<{ method: string; path: string }[]> {
  const doc = await call('GET', '/v1/openapi.json')
  return Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
    /^(\/alpha)?\/organizations\/\{org_id\}/.test(path) ? Object.keys(ops).map((method) => ({ method, path })) : [],
  )
}

const fill = (path: string, orgId: number) => path.replace('{org_id}', String(orgId)).replace(/\{(\w+)\}/g, (_, name: string) => ids[name] ?? 'missing')

describe('tenant isolation', () => {
  it('every org route answers 403 for another org and 404 for its objects; org A is unchanged', async ({ expect }) => {
    const routes = await orgRoutes()
    expect(routes.length).toBeGreaterThanOrEqual(40)
    const before = await snapshotOrgA()

    for (const { method, path } of routes) {
      const raw = BODIES[`${method} ${path}`]
      const body =
        raw &&
        JSON.parse(
          JSON.stringify(raw)
            .replace('CREDENTIAL', ids.credential_id ?? '')
            .replace('"AGENT_RUN"', ids.agent_run_id ?? '0')
            .replace('"AGENT"', JSON.stringify(ids.agent_id)),
        )
      const intoA = await call(method.toUpperCase(), `/v1${fill(path, a.orgId)}`, { key: b.key, body })
      expect(intoA.status, `${method} ${path} into org A`).toBe(403)
      expect(intoA.text).not.toContain('a-secret')
      expect(intoA.text).not.toContain('A secret plan')

      if (/\{(agent_id|credential_id|grant_id|run_id|agent_run_id|user_id|schedule_id|webhook_id)\}/.test(path) || body?.credential_id || body?.agent_run_id || body?.agent_id) {
        const ownOrg = await call(method.toUpperCase(), `/v1${fill(path, b.orgId)}`, { key: b.key, body })
        expect(ownOrg.status, `${method} ${path} with A's ids in org B`).toBe(404)
      }
    }
    expect(await snapshotOrgA()).toBe(before)
  })
})
