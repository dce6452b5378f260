import type { Context } from 'hono'
import type { AppEnv } from '../app-env'

/**
 * What a run records about who asked, in every dialect: the caller's IP and user agent, and the
 * end user / group the integrator acts for (X-User-Identifier / X-Group-Identifier headers).
 */
export function clientInfo<E extends AppEnv>(c: Context<E>) {
  const header = (name: string) => c.req.header(name)?.trim().slice(0, 256) || null
  return {
    ipAddress: header('cf-connecting-ip') ?? header('x-forwarded-for')?.split(',')[0]?.trim() ?? null,
    userAgent: header('user-agent'),
    userIdentifier: header('x-user-identifier'),
    groupIdentifier: header('x-group-identifier'),
  }
}

/** The public base URL of this deployment, for links (PUBLIC_URL, else the request's origin). */
export const publicBase = <E extends AppEnv>(c: Context<E>): string => (c.env.PUBLIC_URL ?? new URL(c.req.url).origin).replace(/\/$/, '')
