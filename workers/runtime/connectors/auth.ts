import type { ServiceDescriptor } from './types'

/** What a secret turns into on the outbound request, plus every value that must never leave. */
export interface AppliedAuth {
  headers: Record<string, string>
  pathPrefix: string
  /** The secret and its parts, for scrubbing responses and errors. */
  secrets: string[]
}

const HEADER_NAME = /^[A-Za-z0-9-]{1,64}$/
const FORBIDDEN_HEADERS = new Set(['host', 'content-length', 'content-type', 'transfer-encoding', 'connection', 'cookie'])

/** The secret's named parts: the whole secret as `secret`, a JSON secret's fields by name. */
function secretFields(service: ServiceDescriptor, secret: string): Record<string, string> | string {
  const fields = service.auth.kind === 'headers' ? service.auth.fields : service.auth.kind === 'header_template' ? ['header', 'value'] : undefined
  if (!fields) return { secret }
  let parsed: unknown
  try {
    parsed = JSON.parse(secret)
  } catch {
    return `must be JSON with ${fields.join(', ')}`
  }
  if (typeof parsed !== 'object' || parsed === null) return `must be a JSON object with ${fields.join(', ')}`
  const out: Record<string, string> = {}
  for (const f of fields) {
    const v = (parsed as Record<string, unknown>)[f]
    if (typeof v !== 'string' || v.length === 0) return `must have a non-empty string "${f}"`
    out[f] = v
  }
  if (service.auth.kind === 'header_template') {
    const header = out.header ?? ''
    if (!HEADER_NAME.test(header) || FORBIDDEN_HEADERS.has(header.toLowerCase())) return `"header" must be a header name other than ${[...FORBIDDEN_HEADERS].join(', ')}`
  }
  return out
}

/** Why a secret does not fit the service's auth scheme, or undefined (checked when the credential is stored). */
export function secretProblem(service: ServiceDescriptor, secret: string): string | undefined {
  const fields = secretFields(service, secret)
  if (typeof fields === 'string') return `a ${service.id} secret ${fields}: ${service.secret_format}`
  if (/[\r\n]/.test(Object.values(fields).join(''))) return 'the secret must not contain line breaks'
  return undefined
}

const fill = (template: string, fields: Record<string, string>) => template.replace(/\{(\w+)\}/g, (_, k: string) => fields[k] ?? '')

/** Applies the secret per the service's auth scheme. The caller checked it with secretProblem. */
export function applyAuth(service: ServiceDescriptor, secret: string): AppliedAuth {
  const fields = secretFields(service, secret)
  if (typeof fields === 'string') throw new Error(`stored ${service.id} secret does not fit its auth scheme`)
  const auth = service.auth
  // Identifiers (Ozon Client-Id, a header name) are not secret; scrubbing them would mangle bodies.
  const open = new Set(['header', ...(auth.kind === 'headers' ? (auth.public_fields ?? []) : [])])
  const secrets = [
    secret,
    ...Object.entries(fields)
      .filter(([k]) => !open.has(k))
      .map(([, v]) => v),
  ]
  if (auth.kind === 'path_prefix') return { headers: {}, pathPrefix: fill(auth.prefix, fields), secrets }
  if (auth.kind === 'header_template') return { headers: { [fields.header ?? '']: fields.value ?? '' }, pathPrefix: '', secrets }
  return { headers: Object.fromEntries(Object.entries(auth.headers).map(([k, v]) => [k, fill(v, fields)])), pathPrefix: '', secrets }
}

/** Replaces every occurrence of a secret (raw and URL-encoded) in text. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text
  for (const s of secrets) {
    if (!s) continue
    for (const form of new Set([s, encodeURIComponent(s)])) out = out.split(form).join('[redacted]')
  }
  return out
}
