import type { RateLimiterObject, Take } from '../../durable-objects/rate-limiter'
import type { Env } from '../env'
import { ApiError } from '../errors'

export const DEFAULT_KEY_PER_MINUTE = 600
export const DEFAULT_ORG_PER_MINUTE = 3000
export const DEFAULT_AUTH_FAILURES_PER_MINUTE = 20
/** Enough of a presented key to tell retries of one wrong key apart, too little to matter if logged: `ap_` + 5. */
const KEY_PREFIX_CHARS = 8

const limitOf = (override: number | null | undefined, fromEnv: string | undefined, fallback: number) => override ?? (Number(fromEnv) > 0 ? Number(fromEnv) : fallback)

/**
 * Takes one token from each named bucket (in parallel); 429 with Retry-After when any is empty.
 * Per-key and per-org limits come from the row (api_keys / organizations), else the env, else defaults.
 */
export async function enforceRateLimits(env: Env, buckets: { name: string; perMinute: number }[]): Promise<void> {
  const ns = env.RATE_LIMITER as DurableObjectNamespace<RateLimiterObject>
  const results = await Promise.all(buckets.map((b) => takeOne(ns, b)))
  const waits = results.flatMap((r) => (r.ok ? [] : [r.retry_after_s]))
  if (waits.length) throw ApiError.rateLimited(Math.max(...waits))
}

/**
 * Tokens this isolate took ahead from a bucket and spends itself, for LEASE_MS at most: a busy key or
 * org costs its RateLimiterObject one call per lease, not one per request (one object per org would
 * otherwise carry every request of the org). A lease is 100 ms of the limit, at most MAX_LEASE
 * tokens, so limits under 1,200 a minute are taken one by one as before. Every token spent was taken
 * from the bucket, so the limit still holds; what a lease leaves unspent expires, erring towards refusing.
 */
export const LEASE_MS = 1_000
const MAX_LEASE = 64
const leaseSize = (perMinute: number) => Math.min(MAX_LEASE, Math.max(1, Math.floor(perMinute / 600)))
const leases = new Map<string, { tokens: number; until: number }>()

async function takeOne(ns: DurableObjectNamespace<RateLimiterObject>, bucket: { name: string; perMinute: number }): Promise<Take> {
  const now = Date.now()
  const held = leases.get(bucket.name)
  if (held && held.tokens > 0 && held.until > now) {
    held.tokens -= 1
    return { ok: true, remaining: held.tokens, granted: 1 }
  }
  const size = leaseSize(bucket.perMinute)
  const taken = await ns.getByName(bucket.name).take(bucket.perMinute, size)
  if (taken.ok && taken.granted > 1) {
    if (leases.size >= 10_000) leases.clear()
    leases.set(bucket.name, { tokens: taken.granted - 1, until: now + LEASE_MS })
  } else leases.delete(bucket.name)
  return taken
}

export const keyBucket = (env: Env, keyId: string, override: number | null) => ({
  name: `key:${keyId}`,
  perMinute: limitOf(override, env.RATE_LIMIT_KEY_PER_MINUTE, DEFAULT_KEY_PER_MINUTE),
})

export const orgBucket = (env: Env, orgId: number, override: number | null) => ({
  name: `org:${orgId}`,
  perMinute: limitOf(override, env.RATE_LIMIT_ORG_PER_MINUTE, DEFAULT_ORG_PER_MINUTE),
})

/**
 * A presented key or token did not match. Counts against the caller's address (`cf-connecting-ip`,
 * set by Cloudflare on every request; `local` under wrangler dev and tests) and against the key's
 * prefix, in the RateLimiterObject's memory (no D1 write per failure): the 401 becomes a 429 with
 * Retry-After once either bucket is empty. A valid key is never slowed by this.
 */
export async function failedAuth(env: Env, address: string | undefined, presented: string, error: ApiError): Promise<never> {
  const perMinute = limitOf(null, env.AUTH_FAILURES_PER_MINUTE, DEFAULT_AUTH_FAILURES_PER_MINUTE)
  await enforceRateLimits(env, [
    { name: `authfail:ip:${address ?? 'local'}`, perMinute },
    { name: `authfail:key:${presented.slice(0, KEY_PREFIX_CHARS)}`, perMinute },
  ])
  throw error
}
