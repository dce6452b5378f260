import type { DrizzleD1Database } from 'drizzle-orm/d1'
import type { Env } from './env'
import type * as schema from './db/schema'

export type Db = DrizzleD1Database<typeof schema>

/** Who is calling: set by the auth middleware from the API key. */
export interface Principal {
  userId: number
  apiKeyId: string
  /** The key's own rate limit, when it overrides the default. */
  rateLimitPerMinute: number | null
}

export interface AppEnv {
  Bindings: Env
  Variables: {
    requestId: string
    db: Db
    principal: Principal
    /** Set by requireMember on /organizations/:org_id/* routes. */
    orgId: number
    orgRole: 'owner' | 'member'
  }
}
