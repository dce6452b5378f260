import type { RateLimiterObject } from '../../durable-objects/rate-limiter'
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
  const results = await Promise.all(buckets.map((b) => ns.getByName(b.name).take(b.perMinute)))
  const waits = results.flatMap((r) => (r.ok ? [] : [r.retry_after_s]))
  if (waits.length) throw ApiError.rateLimited(Math.max(...waits))
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
