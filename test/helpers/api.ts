import { env, exports } from 'cloudflare:workers'

export const BASE = 'http://agentplane.test'
export const ADMIN_TOKEN = 'test-admin-token'

type Json = null | boolean | number | string | Json[] | { [k: string]: Json }

export interface CallOptions {
  key?: string | null
  body?: unknown
  rawBody?: BodyInit
  headers?: Record<string, string>
}

export interface Reply<T = Json> {
  status: number
  body: T
  headers: Headers
  text: string
}

/** One HTTP call through the real worker (exports.default.fetch), JSON in and out. */
// biome-ignore lint/suspicious/noExplicitAny: bodies of every route pass through here; typing them means parsing each with its response schema (not done yet)
export async function call<T = any>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> {
  const headers: Record<string, string> = { ...opts.headers }
  if (opts.key) headers.authorization = `Bearer ${opts.key}`
  let body: BodyInit | undefined = opts.rawBody
  if (opts.body !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(opts.body)
  }
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { method, headers, body }))
  const text = await res.text()
  let parsed: unknown = text
  try {
    parsed = text ? JSON.parse(text) : null
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, body: parsed as T, headers: res.headers, text }
}

// biome-ignore lint/suspicious/noExplicitAny: see call()
export const admin = <T = any>(method: string, path: string, body?: unknown) => call<T>(method, `/admin${path}`, { key: ADMIN_TOKEN, body })

export interface Tenant {
  orgId: number
  userId: number
  key: string
}

let seq = 0

/** A fresh organization with one owner and an API key, made through the admin API. */
export async function createTenant(label = 'org'): Promise<Tenant> {
  seq += 1
  const tag = `${label}-${seq}-${crypto.randomUUID().slice(0, 8)}`
  const org = await admin('POST', '/organizations', { name: tag })
  const user = await admin('POST', '/users', { email: `${tag}@example.test`, name: tag })
  await admin('POST', `/organizations/${org.body.id}/members`, { user_id: user.body.id, role: 'owner' })
  const key = await admin('POST', `/users/${user.body.id}/api-keys`, { name: 'test' })
  if (org.status !== 201 || user.status !== 201 || key.status !== 201) {
    throw new Error(`tenant setup failed: ${org.status} ${user.status} ${key.status}`)
  }
  return { orgId: org.body.id, userId: user.body.id, key: key.body.key }
}

export { env }
