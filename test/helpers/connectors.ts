import { env } from 'cloudflare:workers'
import { inject } from 'vitest'
import type { RunSpec } from '../../workers/runs/types'
import type { Tool, ToolContext } from '../../workers/runtime/tools/types'
import { SECRETS } from '../fixtures/service-secrets'
import { call, type Tenant } from './api'

export type ServiceId = keyof typeof SECRETS

export const secretOf = (service: ServiceId): string => {
  const s = SECRETS[service]
  return typeof s === 'string' ? s : JSON.stringify(s)
}

/** Every secret value a test must never see outside the fake. */
export const ALL_SECRET_VALUES: string[] = Object.values(SECRETS)
  .flatMap((s) => (typeof s === 'string' ? [s] : Object.values(s)))
  .filter((v) => v !== 'X-Api-Key' && v !== '123456')

/** A base_url on the fake whose traffic is logged under its own tag. */
export const fakeBase = (tag: string, suffix = '') => `http://127.0.0.1:${inject('fakeServicesPort')}/t/${tag}${suffix}`

export interface Logged {
  method: string
  path: string
  query: Record<string, string>
  headers: Record<string, string>
  // biome-ignore lint/suspicious/noExplicitAny: each family's request body differs; tests read their fields directly
  body: any
}

export const fakeLog = async (tag: string): Promise<Logged[]> => (await fetch(`http://127.0.0.1:${inject('fakeServicesPort')}/__log/${tag}`)).json()

export interface Setup {
  agentId: string
  /** credential id and fake tag by service */
  creds: Record<string, { id: string; tag: string; instance: string }>
  grants: Record<string, string>
}

/** An agent allowed `connectors`, a credential per service pointing at the fake, granted with `scopes`. */
export async function connectAgent(t: Tenant, services: ServiceId[], scopes: Partial<Record<ServiceId, { read: boolean; write: boolean }>> = {}, connectors: string[] = services): Promise<Setup> {
  const org = `/v1/organizations/${t.orgId}`
  const agent = (await call('POST', `${org}/agents`, { key: t.key, body: { name: `conn ${crypto.randomUUID()}` } })).body
  await call('PUT', `${org}/agents/${agent.id}/connectors`, { key: t.key, body: { connector_keys: connectors } })
  const setup: Setup = { agentId: agent.id, creds: {}, grants: {} }
  for (const service of services) {
    const tag = `${service}-${crypto.randomUUID().slice(0, 8)}`
    const instance = `${service}_main`
    const base_url = fakeBase(tag, service === 'gitlab' ? '/api/v4' : service === 'mcp' ? '/mcp' : '')
    const cred = await call('POST', `${org}/credentials`, { key: t.key, body: { service_name: service, instance_id: instance, account_label: `${service} main`, secret: secretOf(service), base_url } })
    if (cred.status !== 201) throw new Error(`credential ${service}: ${cred.status} ${cred.text}`)
    setup.creds[service] = { id: cred.body.id, tag, instance }
    if (connectors.includes(service)) {
      const grant = await call('POST', `${org}/agents/${agent.id}/grants`, { key: t.key, body: { credential_id: cred.body.id, scopes: scopes[service] ?? { read: true, write: true } } })
      setup.grants[service] = grant.body.id
    }
  }
  return setup
}

/** Runs a tool as the loop would, for an agent with these connectors (real D1, DOs and fetch). */
// biome-ignore lint/suspicious/noExplicitAny: tool results are JSON of many shapes; tests read their fields directly
export async function runTool(tool: Tool, args: unknown, t: Tenant, setup: Setup, connectors?: string[]): Promise<any> {
  const spec: RunSpec = {
    run_id: crypto.randomUUID(),
    run_number: 0,
    org_id: t.orgId,
    agent_id: setup.agentId,
    agent_version: 1,
    thread_id: null,
    channel: 'test',
    model: 'dev/echo',
    system_prompt: null,
    connectors: connectors ?? Object.keys(setup.creds),
    input: '',
    user_key: 'u',
    max_steps: 5,
    timeout_ms: 30_000,
    webhook: null,
    budget_remaining_usd: null,
    schedule_id: null,
    prices: { prompt: 0, completion: 0 },
  }
  const ctx: ToolContext = { env, spec, signal: new AbortController().signal, callId: `call_${crypto.randomUUID()}`, emit: async () => undefined }
  const outcome = await tool.run(tool.input.parse(args), ctx)
  if (outcome.kind !== 'result') throw new Error(`unexpected ${outcome.kind}`)
  return JSON.parse(outcome.result)
}
