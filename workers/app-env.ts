import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Env } from './env'
import type * as schema from './db/schema'

/** `$client`: the D1 binding itself, for the few statements built once and bound per call (db/runs.ts). */
export type Db = DrizzleD1Database<typeof schema> & { $client: D1Database }

/** Who is calling: set by the auth middleware from the API key. */
export interface Principal {
  userId: number
  apiKeyId: string
  /** The key's own rate limit, when it overrides the default. */
  rateLimitPerMinute: number | null
}

/** Every request: set by the root app (request id, the per-request drizzle instance). */
export interface AppEnv {
  Bindings: Env
  Variables: {
    requestId: string
    db: Db
  }
}

/** After requireApiKey: the caller is known. */
export interface AuthedEnv {
  Bindings: Env
  Variables: AppEnv['Variables'] & { principal: Principal }
}

/** After requireMember / requireAcpOrg: the organization is known and the caller is a member. */
export interface OrgEnv {
  Bindings: Env
  Variables: AuthedEnv['Variables'] & { orgId: number; orgRole: 'owner' | 'member' }
}
