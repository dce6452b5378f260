import type { MiddlewareHandler } from 'hono'
import type { OrgEnv } from '../app-env'
import { memberOrg, soleOrganization } from '../db/tenancy'
import { ApiError } from '../errors'
import { enforceRateLimits, orgBucket } from './rate-limit'

/**
 * ACP paths carry no organization: it is the key's only org, or the one named by `X-Org-Id`
 * (ACP clients can send extra headers) when the key belongs to several.
 */
export const requireAcpOrg = (): MiddlewareHandler<OrgEnv> =>
  async function requireAcpOrg(c, next) {
    const userId = c.var.principal.userId
    const header = c.req.header('x-org-id')
    let orgId: number
    if (header !== undefined) {
      orgId = /^\d{1,15}$/.test(header) ? Number(header) : Number.NaN
      if (!Number.isSafeInteger(orgId)) throw ApiError.invalid(['header', 'x-org-id'], 'X-Org-Id must be an integer')
    } else {
      const orgs = await soleOrganization(c.var.db, userId)
      if (orgs.onlyId === null) throw ApiError.invalid(['header', 'x-org-id'], orgs.total === 0 ? 'The key belongs to no organization' : 'The key belongs to several organizations: send X-Org-Id')
      orgId = orgs.onlyId
    }
    const org = await memberOrg(c.var.db, userId, orgId)
    if (!org) throw new ApiError('forbidden', 'Not a member of this organization')
    await enforceRateLimits(c.env, [orgBucket(c.env, orgId, org.rateLimitPerMinute)])
    c.set('orgId', orgId)
    c.set('orgRole', org.role)
    await next()
  }
