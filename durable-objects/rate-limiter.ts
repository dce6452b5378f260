import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'

export type Take = { ok: true; remaining: number; granted: number } | { ok: false; retry_after_s: number }

/** Test-only: how many takes the object has answered (a lease is one). */
export const TAKES = Symbol('takes')

/**
 * One token bucket per name (`key:<id>`, `org:<id>`): `perMinute` tokens, refilled continuously.
 * In memory on purpose: limits are about the last minute, and an evicted bucket that comes back
 * full errs towards letting a request through. Keeps counters out of D1 and off its hot path.
 */
export class RateLimiterObject extends DurableObject<Env> {
  #tokens = -1
  #capacity = 0
  #at = 0
  #takes = 0
  /** Set by pause(): an upstream said "not before" (a connector credential's 429 Retry-After). */
  #pausedUntil = 0

  /** Takes one token, or up to `want` for a caller that spends them itself (an isolate's lease). */
  take(perMinute: number, want = 1): Take {
    this.#takes += 1
    const now = Date.now()
    if (now < this.#pausedUntil) return { ok: false, retry_after_s: Math.ceil((this.#pausedUntil - now) / 1000) }
    const rate = perMinute / 60_000
    if (this.#tokens < 0 || this.#capacity !== perMinute) {
      this.#tokens = perMinute
      this.#capacity = perMinute
    } else {
      this.#tokens = Math.min(perMinute, this.#tokens + (now - this.#at) * rate)
    }
    this.#at = now
    if (this.#tokens >= 1) {
      const granted = Math.max(1, Math.min(Math.floor(want), Math.floor(this.#tokens)))
      this.#tokens -= granted
      return { ok: true, remaining: Math.floor(this.#tokens), granted }
    }
    return { ok: false, retry_after_s: Math.max(1, Math.ceil((1 - this.#tokens) / rate / 1000)) }
  }

  get [TAKES](): number {
    return this.#takes
  }

  /** Refuses every take for `seconds` (in memory, like the bucket: an evicted pause is forgotten). */
  pause(seconds: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, Date.now() + seconds * 1000)
  }
}
