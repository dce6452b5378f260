import type { MiddlewareHandler } from 'hono'
import type { AuthedEnv, OrgEnv } from '../app-env'
import { findPrincipalByKey, memberOrg } from '../db/tenancy'
import { ApiError } from '../errors'
import { enforceRateLimits, failedAuth, keyBucket, orgBucket } from './rate-limit'

/** `Authorization: Bearer <key>` or `x-api-key: <key>` (what ACP clients send). */
export function readApiKey(headers: { header(name: string): string | undefined }): string | undefined {
  const auth = headers.header('authorization')
  if (auth) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(auth)
    return match?.[1]
  }
  return headers.header('x-api-key')?.trim() || undefined
}

/** Resolves the API key to a user, or 401. Never logs or echoes the key. */
export const requireApiKey = (): MiddlewareHandler<AuthedEnv> =>
  async function requireApiKey(c, next) {
    const key = readApiKey(c.req)
    if (!key) throw new ApiError('unauthenticated', 'Missing API key: send Authorization: Bearer <key> or x-api-key')
    const principal = await findPrincipalByKey(c.get('db'), key)
    if (!principal) return failedAuth(c.env, c.req.header('cf-connecting-ip'), key, new ApiError('unauthenticated', 'Invalid API key'))
    c.set('principal', principal)
    await enforceRateLimits(c.env, [keyBucket(c.env, principal.apiKeyId, principal.rateLimitPerMinute)])
    await next()
  }

/** For /organizations/:org_id/*: the caller must be a member of org_id, else 403. */
export const requireMember = (): MiddlewareHandler<OrgEnv> =>
  async function requireMember(c, next) {
    const raw = c.req.param('org_id') ?? ''
    const orgId = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isSafeInteger(orgId)) throw ApiError.invalid(['path', 'org_id'], 'Input should be a valid integer', 'int_parsing')
    const org = await memberOrg(c.get('db'), c.get('principal').userId, orgId)
    if (!org) throw new ApiError('forbidden', 'Not a member of this organization')
    await enforceRateLimits(c.env, [orgBucket(c.env, orgId, org.rateLimitPerMinute)])
    c.set('orgId', orgId)
    c.set('orgRole', org.role)
    await next()
  }
