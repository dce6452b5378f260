import type { MiddlewareHandler } from 'hono'
import type { AppEnv } from '../app-env'
import { ApiError } from '../errors'
import { timingSafeEqual } from '../lib/crypto'
import { readApiKey } from './auth'
import { failedAuth } from './rate-limit'

/** /admin/* needs `Authorization: Bearer $ADMIN_TOKEN`; without the secret set, admin does not exist. */
export const requireAdmin = (): MiddlewareHandler<AppEnv> =>
  async function requireAdmin(c, next) {
    const expected = c.env.ADMIN_TOKEN
    if (!expected) throw new ApiError('not_found', 'Not found')
    const given = readApiKey(c.req)
    if (!given) throw new ApiError('unauthenticated', 'Missing admin token')
    if (!(await timingSafeEqual(given, expected))) return failedAuth(c.env, c.req.header('cf-connecting-ip'), given, new ApiError('unauthenticated', 'Invalid admin token'))
    await next()
  }
