import type { RateLimiterObject } from '../../../durable-objects/rate-limiter'
import { createDb } from '../../db/client'
import { grantedCredentials, secretContext, touchCredential } from '../../db/credentials'
import { decryptSecret } from '../../lib/crypto'
import { guardedFetch, OutboundRefused, outboundRefusal } from '../../lib/net-guard'
import type { ToolContext } from '../tools/types'
import { ToolError } from '../tools/types'
import { type AppliedAuth, applyAuth, scrub } from './auth'
import { findOperation, getService, pinnedAccount, servicesOf } from './index'
import { paramsSchema } from './params'
import { cutForModel, readCapped, retryAfterSeconds } from './response'
import type { Operation, ServiceDescriptor } from './types'
import { sleep } from '../../lib/sleep'

const TIMEOUT_MS = 30_000
/** A provider 429 asking for at most this long is waited out once; longer waits go back to the model. */
const MAX_RETRY_WAIT_S = 5
/** last_used_at is written at most once a minute per credential per isolate, never once per call. */
const TOUCH_EVERY_MS = 60_000
const touched = new Map<string, number>()

export interface ExecuteRequest {
  service: string
  operation: string
  params: Record<string, unknown>
  account?: string | undefined
  max_chars: number
}

/** Who acts: a run's tool call (a ToolContext is one), or a warehouse pull on behalf of an agent. */
export type Acting = Pick<ToolContext, 'env' | 'signal'> & { spec: Pick<ToolContext['spec'], 'org_id' | 'agent_id' | 'connectors'> }

type Account = Awaited<ReturnType<typeof grantedCredentials>>[number]

/** An account ready to call: the decrypted secret applied, the base URL checked by the outbound guard. */
export interface OpenedAccount {
  service: ServiceDescriptor
  account: Account
  auth: AppliedAuth
  base: string
}

/** The service, if the agent's pinned connectors reach it; otherwise the model is told plainly. */
export function serviceFor(ctx: Acting, id: string): ServiceDescriptor {
  const service = getService(id)
  if (!service || !servicesOf(ctx.spec.connectors).includes(service.id)) {
    throw new ToolError(`service "${id}" is not available to this agent; list_services shows the ones it can use`)
  }
  return service
}

/** The granted account a call acts as: the one named, or the only one. */
export async function chooseAccount(ctx: Acting, serviceId: string, requested: string | undefined): Promise<{ service: ServiceDescriptor; account: Account }> {
  const service = serviceFor(ctx, serviceId)
  const wanted = pinnedAccount(serviceId) ?? requested
  const accounts = await grantedCredentials(createDb(ctx.env.DB), ctx.spec.org_id, ctx.spec.agent_id, service.id)
  if (accounts.length === 0) throw new ToolError(`no ${service.id} account is granted to this agent (the grant may have been revoked)`)
  const chosen = wanted ? accounts.filter((a) => [a.instanceId, a.accountLabel, a.credentialId].includes(wanted)) : accounts
  const [account, ...more] = chosen
  if (!account) throw new ToolError(`no granted ${service.id} account "${wanted}"; granted: ${accounts.map((a) => a.instanceId).join(', ')}`)
  if (more.length) throw new ToolError(`several ${service.id} accounts are granted (${chosen.map((a) => a.instanceId).join(', ')}): pass account`)
  return { service, account }
}

/** A read grant allows non-mutating operations; mutating ones need write. */
export function checkScope(service: ServiceDescriptor, account: Account, mutating: boolean, operation: string): void {
  const scope = mutating ? 'write' : 'read'
  if (!account[scope]) {
    throw new ToolError(`the grant for ${service.id} account "${account.instanceId}" has no ${scope} scope; ${operation} ${mutating ? 'changes data and needs write' : 'needs read'}`)
  }
}

/** The credential's token bucket: a RateLimiterObject named `connector:<credential_id>`. */
const bucket = (env: ToolContext['env'], credentialId: string) => (env.RATE_LIMITER as DurableObjectNamespace<RateLimiterObject>).getByName(`connector:${credentialId}`)

/** Takes one token from the credential's bucket (RateLimiterObject): the refusal, or undefined. */
export async function takeToken(ctx: Acting, service: ServiceDescriptor, account: Account): Promise<Record<string, unknown> | undefined> {
  const taken = await bucket(ctx.env, account.credentialId).take(service.rate_limit_per_minute)
  if (taken.ok) return undefined
  return { ok: false, error: `rate limit of ${service.rate_limit_per_minute}/min for this ${service.id} account reached`, retry_after_s: taken.retry_after_s }
}

/** Decrypts the secret (only here), applies it, resolves the base URL and checks it with the outbound guard. */
export async function openAccount(ctx: Acting, service: ServiceDescriptor, account: Account, defaultBase: string | null): Promise<OpenedAccount> {
  const key = ctx.env.ENCRYPTION_KEY
  if (!key) throw new ToolError('connectors are not configured on this deployment (ENCRYPTION_KEY is missing)')
  const secret = await decryptSecret(key, account.secretCiphertext, secretContext(ctx.spec.org_id, account.credentialId))
  const auth = applyAuth(service, secret)
  const base = account.baseUrl ?? defaultBase
  if (!base) throw new ToolError(`the ${service.id} account "${account.instanceId}" has no base_url`)
  const refused = outboundRefusal(ctx.env, base)
  if (refused) throw new ToolError(`refused ${service.id} base URL: ${scrub(refused, auth.secrets)}`)
  await touch(ctx, account.credentialId)
  return { service, account, auth, base }
}

/**
 * One call of one REST/RPC operation as one of the agent's granted accounts: validated against the
 * descriptor, checked against the grant's scopes and the per-credential rate limit, authenticated
 * with the decrypted secret, and answered scrubbed of it and cut to max_chars.
 */
export async function executeOperation(ctx: Acting, req: ExecuteRequest): Promise<Record<string, unknown>> {
  const service = serviceFor(ctx, req.service)
  const found = findOperation(service, req.operation)
  if (!found) {
    const names = service.modules.flatMap((m) => m.operations.map((o) => o.name))
    throw new ToolError(`${service.id} has no operation "${req.operation}"; operations: ${names.join(', ')}`)
  }
  const { operation } = found
  const parsed = paramsSchema(operation).safeParse(req.params)
  if (!parsed.success) {
    throw new ToolError(`invalid params for ${service.id} ${operation.name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(params)'}: ${i.message}`).join('; ')}`)
  }
  const { account } = await chooseAccount(ctx, req.service, req.account)
  checkScope(service, account, operation.mutating, operation.name)
  const limited = await takeToken(ctx, service, account)
  if (limited) return limited
  const opened = await openAccount(ctx, service, account, found.baseUrl)
  const request = buildRequest(service, operation, parsed.data as Record<string, unknown>, opened)
  const refused = outboundRefusal(ctx.env, request.url)
  const host = new URL(request.url).host
  if (refused) throw new ToolError(`refused ${host}: ${scrub(refused, opened.auth.secrets)}`)

  const summary = { service: service.id, account: account.instanceId, operation: operation.name }
  let res = await send(ctx.env, request, ctx.signal, opened.auth.secrets, host)
  let { text, capped } = await readCapped(res)
  if (res.status === 429) {
    const wait = retryAfterSeconds(res, text)
    if (wait === undefined || wait > MAX_RETRY_WAIT_S) {
      // Later calls on this credential, from any run, wait locally instead of hitting the provider.
      if (wait) await bucket(ctx.env, account.credentialId).pause(Math.min(wait, 3600))
      return { ...summary, ok: false, status: 429, error: `${service.id} is rate limiting this account`, retry_after_s: wait ?? null }
    }
    await sleep(wait * 1000, ctx.signal)
    res = await send(ctx.env, request, ctx.signal, opened.auth.secrets, host)
    ;({ text, capped } = await readCapped(res))
  }
  const out: Record<string, unknown> = { ...summary, ok: res.status >= 200 && res.status < 300, status: res.status }
  if (res.status >= 300 && res.status < 400) {
    // Redirects are not followed: the credential must never reach another host.
    return { ...out, ok: false, error: `redirect not followed (${res.status}); the service moved this resource` }
  }
  return { ...out, ...cutForModel(scrub(text, opened.auth.secrets), capped, req.max_chars, operation.pagination) }
}

interface OutboundRequest {
  url: string
  init: { method: string; headers: Record<string, string>; body?: string }
}

function buildRequest(service: ServiceDescriptor, op: Operation, params: Record<string, unknown>, opened: OpenedAccount): OutboundRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(params[name] ?? '')
    if (!op.params[name]?.keep_slashes) return encodeURIComponent(value)
    // A sub-path stays under the base URL: no dot segments, no empty segments.
    if (value.split('/').some((seg) => seg === '..' || seg === '.' || seg === '')) throw new ToolError(`${name} must be a relative path without "." or ".." segments`)
    return encodeURIComponent(value).replaceAll('%2F', '/')
  })
  const url = new URL(opened.base.replace(/\/+$/, '') + opened.auth.pathPrefix + path)
  if (url.origin !== new URL(opened.base).origin) throw new ToolError('the request would leave the service base URL')
  const body: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(op.params)) {
    const value = params[name]
    if (value === undefined || spec.in === 'path') continue
    if (spec.in === 'body') body[name] = value
    else if (spec.type === 'object' && typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v))
    } else url.searchParams.append(name, Array.isArray(value) ? value.join(',') : String(value))
  }
  const headers: Record<string, string> = { accept: 'application/json', ...service.headers, ...opened.auth.headers }
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE'
  if (hasBody) headers['content-type'] = 'application/json'
  const payload = op.rpc_method ? { jsonrpc: '2.0', method: op.rpc_method, params: body, id: 0 } : op.raw_body ? (body[op.raw_body] ?? {}) : body
  return { url: url.toString(), init: { method: op.method, headers, ...(hasBody ? { body: JSON.stringify(payload) } : {}) } }
}

/**
 * The one outbound guard's fetch, with no redirect followed (a 3xx comes back as is: the credential
 * never travels to another host) and a timeout. A network error is the model's to see, without the URL
 * (Telegram's carries the token).
 */
async function send(env: ToolContext['env'], request: OutboundRequest, signal: AbortSignal, secrets: string[], host: string): Promise<Response> {
  try {
    return await guardedFetch(env, request.url, { ...request.init, signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) }, { maxRedirects: 0 })
  } catch (err) {
    if (signal.aborted) throw err
    const why = err instanceof OutboundRefused ? `refused: ${err.message}` : `failed: ${err instanceof Error ? err.message : String(err)}`
    throw new ToolError(`request to ${host} ${scrub(why, secrets)}`)
  }
}

async function touch(ctx: Acting, credentialId: string): Promise<void> {
  const now = Date.now()
  if (now - (touched.get(credentialId) ?? 0) < TOUCH_EVERY_MS) return
  touched.set(credentialId, now)
  await touchCredential(createDb(ctx.env.DB), credentialId, new Date(now).toISOString())
}
