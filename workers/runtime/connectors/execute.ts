import { createDb } from '../../db/client'
import { grantedCredentials, secretContext, touchCredential } from '../../db/credentials'
import { decryptSecret } from '../../lib/crypto'
import { outboundRefusal } from '../../lib/net-guard'
import type { ToolContext } from '../tools/types'
import { ToolError } from '../tools/types'
import { applyAuth, scrub } from './auth'
import { findOperation, getService, servicesOf } from './index'
import { paramsSchema } from './params'
import { readCapped, retryAfterSeconds } from './response'
import type { Operation, ServiceDescriptor } from './types'

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

/** The service, if the agent's pinned connectors reach it; otherwise the model is told plainly. */
export function serviceFor(ctx: ToolContext, id: string): ServiceDescriptor {
  const service = getService(id)
  if (!service || !servicesOf(ctx.spec.connectors).includes(service.id)) {
    throw new ToolError(`service "${id}" is not available to this agent; list_services shows the ones it can use`)
  }
  return service
}

/**
 * One call of one operation as one of the agent's granted accounts: validated against the
 * descriptor, checked against the grant's scopes and the per-credential rate limit, authenticated
 * with the decrypted secret, and answered scrubbed of it and cut to max_chars.
 */
export async function executeOperation(ctx: ToolContext, req: ExecuteRequest): Promise<Record<string, unknown>> {
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
  const params = parsed.data as Record<string, unknown>

  const db = createDb(ctx.env.DB)
  const accounts = await grantedCredentials(db, ctx.spec.org_id, ctx.spec.agent_id, service.id)
  if (accounts.length === 0) throw new ToolError(`no ${service.id} account is granted to this agent (the grant may have been revoked)`)
  const chosen = req.account ? accounts.filter((a) => [a.instanceId, a.accountLabel, a.credentialId].includes(req.account ?? '')) : accounts
  if (chosen.length === 0) throw new ToolError(`no granted ${service.id} account "${req.account}"; granted: ${accounts.map((a) => a.instanceId).join(', ')}`)
  if (chosen.length > 1) throw new ToolError(`several ${service.id} accounts are granted (${chosen.map((a) => a.instanceId).join(', ')}): pass account`)
  const account = chosen[0]
  if (!account) throw new ToolError('no account')
  const scope = operation.mutating ? 'write' : 'read'
  if (!account[scope]) {
    throw new ToolError(`the grant for ${service.id} account "${account.instanceId}" has no ${scope} scope; ${operation.name} ${operation.mutating ? 'changes data and needs write' : 'needs read'}`)
  }

  const bucket = await ctx.env.RATE_LIMITER.getByName(`connector:${account.credentialId}`).take(service.rate_limit_per_minute)
  if (!bucket.ok) {
    return { ok: false, error: `rate limit of ${service.rate_limit_per_minute}/min for this ${service.id} account reached`, retry_after_s: bucket.retry_after_s }
  }

  const key = ctx.env.ENCRYPTION_KEY
  if (!key) throw new ToolError('connectors are not configured on this deployment (ENCRYPTION_KEY is missing)')
  const secret = await decryptSecret(key, account.secretCiphertext, secretContext(ctx.spec.org_id, account.credentialId))
  const auth = applyAuth(service, secret)
  const base = account.baseUrl ?? found.baseUrl
  if (!base) throw new ToolError(`the ${service.id} account "${account.instanceId}" has no base_url`)
  const request = buildRequest(service, operation, params, base, auth)
  const host = new URL(request.url).host
  const refused = outboundRefusal(ctx.env, request.url)
  if (refused) throw new ToolError(`refused ${host}: ${scrub(refused, auth.secrets)}`)

  await touch(ctx, account.credentialId)
  const summary = { service: service.id, account: account.instanceId, operation: operation.name }
  let res = await send(request, ctx.signal, auth.secrets, host)
  let { text, capped } = await readCapped(res)
  if (res.status === 429) {
    const wait = retryAfterSeconds(res, text)
    if (wait === undefined || wait > MAX_RETRY_WAIT_S) {
      return { ...summary, ok: false, status: 429, error: `${service.id} is rate limiting this account`, retry_after_s: wait ?? null }
    }
    await sleep(wait * 1000, ctx.signal)
    res = await send(request, ctx.signal, auth.secrets, host)
    ;({ text, capped } = await readCapped(res))
  }
  return { ...summary, ...present(res, scrub(text, auth.secrets), capped, req.max_chars, operation) }
}

interface OutboundRequest {
  url: string
  init: RequestInit
}

function buildRequest(service: ServiceDescriptor, op: Operation, params: Record<string, unknown>, base: string, auth: { headers: Record<string, string>; pathPrefix: string }): OutboundRequest {
  const path = op.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = String(params[name] ?? '')
    const encoded = encodeURIComponent(value)
    return op.params[name]?.keep_slashes ? encoded.replaceAll('%2F', '/') : encoded
  })
  const url = new URL(base.replace(/\/+$/, '') + auth.pathPrefix + path)
  const body: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(op.params)) {
    const value = params[name]
    if (value === undefined || spec.in === 'path') continue
    if (spec.in === 'body') body[name] = value
    else if (spec.type === 'object' && typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) url.searchParams.append(k, typeof v === 'string' ? v : JSON.stringify(v))
    } else url.searchParams.append(name, Array.isArray(value) ? value.join(',') : String(value))
  }
  const headers: Record<string, string> = { accept: 'application/json', ...service.headers, ...auth.headers }
  const hasBody = op.method !== 'GET' && op.method !== 'DELETE'
  if (hasBody) headers['content-type'] = 'application/json'
  const payload = op.raw_body ? (body[op.raw_body] ?? {}) : body
  return { url: url.toString(), init: { method: op.method, headers, redirect: 'manual', ...(hasBody ? { body: JSON.stringify(payload) } : {}) } }
}

/** Fetch with a timeout; a network error is the model's to see, with no URL (Telegram's has the token). */
async function send(request: OutboundRequest, signal: AbortSignal, secrets: string[], host: string): Promise<Response> {
  try {
    return await fetch(request.url, { ...request.init, signal: AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) })
  } catch (err) {
    if (signal.aborted) throw err
    throw new ToolError(`request to ${host} failed: ${scrub(err instanceof Error ? err.message : String(err), secrets)}`)
  }
}

function present(res: Response, text: string, capped: boolean, maxChars: number, op: Operation): Record<string, unknown> {
  const out: Record<string, unknown> = { ok: res.status >= 200 && res.status < 300, status: res.status }
  if (res.status >= 300 && res.status < 400) {
    // Redirects are not followed: the credential must never reach another host.
    out.error = `redirect not followed (${res.status}); the service moved this resource`
    return out
  }
  const truncated = capped || text.length > maxChars
  if (!truncated) {
    try {
      out.body = text ? JSON.parse(text) : null
    } catch {
      out.body = text
    }
    return out
  }
  out.body_text = text.slice(0, maxChars)
  out.truncated = true
  out.hint = op.pagination ? `response cut at ${maxChars} characters; fetch less per call: ${op.pagination}` : `response cut at ${maxChars} characters; narrow the request`
  return out
}

async function touch(ctx: ToolContext, credentialId: string): Promise<void> {
  const now = Date.now()
  if (now - (touched.get(credentialId) ?? 0) < TOUCH_EVERY_MS) return
  touched.set(credentialId, now)
  await touchCredential(createDb(ctx.env.DB), credentialId, new Date(now).toISOString())
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(timer)
      reject(signal.reason)
    }, { once: true })
  })
}
