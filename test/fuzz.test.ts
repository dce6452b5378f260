import { env, exports } from 'cloudflare:workers'
import fc from 'fast-check'
import { beforeAll, describe, inject, it } from 'vitest'
import { dialectDocuments } from '../workers/app'
import { acp } from './helpers/acp'
import { admin, ADMIN_TOKEN, BASE, call, type Tenant } from './helpers/api'
import { badSegment, badText, badValue, deepJson, type Operation, operationsOf } from './helpers/fuzz'
import { until } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

/**
 * Bad input for every operation of every dialect, generated from their OpenAPI documents with a
 * fixed seed (the same requests on every run). FUZZ_RUNS multiplies the generated cases per kind
 * (bench/fuzz.mjs runs the long version). Asserts: no 5xx, every error in its dialect's shape with
 * a message that names the problem, no secret in any response, and the victim org's data unchanged.
 */
const SEED = 20_261_125
const RUNS = Math.max(1, Number(env.FUZZ_RUNS ?? '1') || 1)
const SECRET = 'fuzz-credential-secret-value'
const HOOK_SECRET = 'fuzz-webhook-secret-0123456789'

interface Actor extends Tenant {
  ids: Record<string, string>
}

/** A tenant with one of everything, its key unthrottled so the fuzz reaches validation. */
async function populated(label: string): Promise<Actor> {
  const org = (await admin('POST', '/organizations', { name: `${label}-${crypto.randomUUID().slice(0, 6)}` })).body
  await admin('PATCH', `/organizations/${org.id}`, { rate_limit_per_minute: 1_000_000 })
  const user = (await admin('POST', '/users', { email: `${label}-${crypto.randomUUID()}@example.test` })).body
  await admin('POST', `/organizations/${org.id}/members`, { user_id: user.id, role: 'owner' })
  const key = (await admin('POST', `/users/${user.id}/api-keys`, { name: 'fuzz', rate_limit_per_minute: 1_000_000 })).body.key as string
  const t: Tenant = { orgId: org.id, userId: user.id, key }
  const v1 = `/v1/organizations/${org.id}`
  const agent = (await call('POST', `${v1}/agents`, { key, body: { name: `${label} agent`, connectors: ['wildberries'] } })).body
  const credential = (await call('POST', `${v1}/credentials`, { key, body: { service_name: 'wildberries', instance_id: 'wb', secret: SECRET } })).body
  const grant = (await call('POST', `${v1}/agents/${agent.id}/grants`, { key, body: { credential_id: credential.id } })).body
  const webhook = (await call('POST', `${v1}/webhooks`, { key, body: { url: `http://127.0.0.1:${inject('fakeOpenAIPort')}/__hook/fuzz`, event_types: ['run.succeeded'], secret: HOOK_SECRET } })).body
  const schedule = (await call('POST', `${v1}/schedules`, { key, body: { agent_id: agent.id, cron: '0 9 * * *', input: 'daily' } })).body
  const turn = await startTurn(t, { message: `${label} hello` })
  await waitTurn(t, turn)
  const thread = (await acp(t, 'POST', '/threads', { metadata: { who: label } })).body
  const acpRun = (await acp(t, 'POST', '/runs/wait', { input: 'stateless', on_completion: 'keep' })).body.run
  const codegen = (await call('POST', `${v1}/agent/run`, { key, body: { prompt: 'codegen' } })).body
  // Settle before the victim's data is snapshotted: a run finishing during the fuzz is not a change the fuzz made.
  await until(
    async () => (await call('GET', `${v1}/agent/run/${codegen.id}`, { key })).body.status,
    (s) => s !== 'ACTIVE',
  )
  return {
    ...t,
    ids: {
      org_id: String(org.id),
      agent_id: agent.id,
      credential_id: credential.id,
      grant_id: grant.id,
      webhook_id: webhook.id,
      schedule_id: schedule.id,
      session_id: turn.session_id,
      turn_id: turn.turn_id,
      thread_id: thread.thread_id,
      run_id: acpRun.run_id,
      agent_run_id: String(codegen.id),
      user_id: String(user.id),
      agentCode: agent.code,
      agentVersion: '1',
    },
  }
}

/** Everything the victim org owns, as D1 holds it. */
async function dataOf(t: Tenant): Promise<string> {
  const tables = ['agents', 'credentials', 'grants', 'threads', 'runs', 'schedules', 'webhook_endpoints', 'memberships']
  const rows = await Promise.all(tables.map((name) => env.DB.prepare(`SELECT * FROM ${name} WHERE org_id = ? ORDER BY 1`).bind(t.orgId).all()))
  const org = await env.DB.prepare('SELECT * FROM organizations WHERE id = ?').bind(t.orgId).all()
  const keys = await env.DB.prepare('SELECT id, revoked_at, key_hash FROM api_keys WHERE user_id = ?').bind(t.userId).all()
  return JSON.stringify([rows.map((r) => r.results), org.results, keys.results])
}

type Case = { kind: string; ids: 'own' | 'other' | 'bad'; segments?: string[]; query?: string; headers?: Record<string, string>; body?: string; auth?: 'key' | 'none' | 'wrong'; wrongKey?: string }

/** The generated cases of one operation. */
function casesOf(op: Operation, index: number): Case[] {
  const seed = SEED + index
  const sample = <T>(arb: fc.Arbitrary<T>, n = RUNS) => fc.sample(arb, { seed, numRuns: n })
  const json = { 'content-type': 'application/json' }
  const cases: Case[] = [
    { kind: 'no auth', ids: 'own', auth: 'none' },
    ...sample(fc.string({ maxLength: 60 }).filter((s) => /^[\x21-\x7e]*$/.test(s))).map((k): Case => ({ kind: 'wrong key', ids: 'own', auth: 'wrong', wrongKey: `ap_${k}` })),
    { kind: 'another org', ids: 'other' },
  ]
  if (op.pathParams.length > 0) {
    for (const segments of sample(fc.array(badSegment, { minLength: op.pathParams.length, maxLength: op.pathParams.length }), 2 * RUNS)) cases.push({ kind: 'garbage path', ids: 'bad', segments })
  }
  if (op.queryParams.length > 0) {
    const queries = sample(fc.array(fc.tuple(fc.constantFrom(...op.queryParams), badValue), { minLength: 1, maxLength: 4 }), 2 * RUNS)
    for (const q of queries) {
      cases.push({
        kind: 'bad query',
        ids: 'own',
        query: q.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(typeof v === 'string' ? v.replace(/[\ud800-\udfff]/g, '\u0000') : JSON.stringify(v))}`).join('&'),
      })
    }
  }
  if (!op.hasBody) return cases
  cases.push(
    ...sample(fc.constantFrom('{', '{"a":', '[1,', 'nul', '\u0000', '{"a":1}}', '', '{"a":"\\ud800"}', '\ufeff{}')).map((body): Case => ({ kind: 'malformed JSON', ids: 'own', headers: json, body })),
    { kind: 'empty object', ids: 'own', headers: json, body: '{}' },
    { kind: 'wrong content type', ids: 'own', headers: { 'content-type': 'text/plain' }, body: '{}' },
    { kind: 'form body', ids: 'own', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' },
    ...sample(fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))).map((v): Case => ({ kind: 'not an object', ids: 'own', headers: json, body: JSON.stringify(v) })),
    { kind: 'deep nesting', ids: 'own', headers: json, body: `{"${op.bodyProps[0] ?? 'x'}":${deepJson(5000)}}` },
  )
  const props = op.bodyProps.length ? op.bodyProps : ['x']
  const wrong = fc.dictionary(fc.constantFrom(...props), badValue, { minKeys: 1, maxKeys: props.length })
  const extra = fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue(), { minKeys: 1, maxKeys: 3 })
  for (const body of sample(fc.tuple(wrong, fc.option(extra)), 4 * RUNS)) cases.push({ kind: 'wrong types', ids: 'own', headers: json, body: JSON.stringify({ ...body[0], ...(body[1] ?? {}) }) })
  for (const prop of op.stringProps) for (const text of sample(badText)) cases.push({ kind: `bad text in ${prop}`, ids: 'own', headers: json, body: JSON.stringify({ [prop]: text }) })
  if (index % 7 === 0) cases.push({ kind: 'body over 1 MiB', ids: 'own', headers: json, body: JSON.stringify({ [props[0] ?? 'x']: 'x'.repeat(1024 * 1024) }) })
  return cases
}

/** The error shape of each dialect, with a message that says what is wrong. */
function shapeProblem(prefix: string, status: number, body: unknown): string | undefined {
  if (prefix === '/acp') return typeof body === 'string' && body.length > 3 && (status !== 422 || /: /.test(body)) ? undefined : 'ACP ErrorResponse must be a message string naming the field'
  if (prefix === '/api/v2') {
    const p = body as { title?: unknown; status?: unknown; errors?: Record<string, unknown> }
    if (typeof p?.title !== 'string' || p.status !== status) return 'ProblemDetails needs title and status'
    return status === 422 && !Object.keys(p.errors ?? {}).length ? 'a 422 ProblemDetails must name the field in errors' : undefined
  }
  const f = body as { detail?: unknown }
  if (status === 422) {
    const issues = f?.detail as { loc?: unknown[]; msg?: unknown }[] | undefined
    return Array.isArray(issues) && issues.length > 0 && issues.every((i) => Array.isArray(i.loc) && i.loc.length > 0 && typeof i.msg === 'string' && i.msg.length > 0)
      ? undefined
      : 'a 422 must list {loc, msg} naming the field'
  }
  return typeof f?.detail === 'string' && f.detail.length > 0 ? undefined : 'an error needs a detail message'
}

let own: Actor
let victim: Actor
/** The admin API acts on any org: it gets one of its own, so a generated rate limit cannot throttle `own`. */
let sandbox: Record<string, string>
let before: string

beforeAll(async () => {
  own = await populated('fuzz-own')
  victim = await populated('fuzz-victim')
  const org = (await admin('POST', '/organizations', { name: 'fuzz-admin-sandbox' })).body
  const user = (await admin('POST', '/users', { email: `sandbox-${crypto.randomUUID()}@example.test` })).body
  sandbox = { org_id: String(org.id), user_id: String(user.id) }
  before = await dataOf(victim)
}, 60_000)

describe('fuzz: bad input for every operation of every dialect', () => {
  it('no 5xx, errors in each dialect shape, no secret leaks, other data unchanged', async ({ expect }) => {
    const ops = operationsOf(dialectDocuments())
    expect(new Set(ops.map((o) => o.prefix))).toEqual(new Set(['/v1', '/api/v2', '/acp', '/admin']))
    const secrets = [own.key, victim.key, ADMIN_TOKEN, env.ENCRYPTION_KEY ?? ADMIN_TOKEN, SECRET, HOOK_SECRET]
    const failures: string[] = []
    let requests = 0
    for (const [index, op] of ops.entries()) {
      for (const c of casesOf(op, index)) {
        const source = op.prefix === '/admin' ? sandbox : c.ids === 'other' ? victim.ids : own.ids
        let bad = 0
        const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
          if (c.ids === 'bad') return c.segments?.[bad++] ?? 'x'
          // Never revoke a key or delete what the next case needs: destructive ops get ids of nothing.
          if (name === 'key_id' || (op.method === 'DELETE' && c.ids === 'own' && name !== 'org_id')) return crypto.randomUUID()
          return encodeURIComponent(source[name] ?? 'x')
        })
        const headers: Record<string, string> = { ...c.headers, 'cf-connecting-ip': `10.9.${index % 250}.${requests % 250}` }
        const auth = c.auth ?? 'key'
        if (auth === 'wrong') headers.authorization = `Bearer ${c.wrongKey}`
        else if (auth === 'key') headers.authorization = `Bearer ${op.prefix === '/admin' ? ADMIN_TOKEN : own.key}`
        const url = `${BASE}${path}${c.query ? `?${c.query}` : ''}`
        const res = await exports.default.fetch(new Request(url, { method: op.method, headers, body: c.body }))
        requests += 1
        const text = await res.text()
        const where = `${op.method} ${op.path} [${c.kind}] → ${res.status}`
        if (res.status >= 500) failures.push(`${where}: ${text.slice(0, 200)}`)
        if (c.kind.startsWith('bad text') && res.status < 400) failures.push(`${where}: NUL or a lone surrogate was accepted`)
        for (const s of secrets) if (text.includes(s)) failures.push(`${where}: leaks a secret`)
        if (res.status >= 400 && res.status < 500) {
          let body: unknown = text
          try {
            body = JSON.parse(text)
          } catch {
            failures.push(`${where}: error body is not JSON`)
          }
          const problem = shapeProblem(op.prefix, res.status, body)
          if (problem) failures.push(`${where}: ${problem}: ${text.slice(0, 200)}`)
        }
      }
    }
    console.log(`fuzz: operations ${ops.length}, requests ${requests}, 5xx ${failures.filter((f) => / → 5\d\d/.test(f)).length}, failures ${failures.length}`)
    expect(failures).toEqual([])
    expect(await dataOf(victim)).toBe(before)
  }, 600_000)
})
