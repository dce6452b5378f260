import type { Db } from '../app-env'
import type { Env } from '../env'
import { sha256Hex } from '../lib/crypto'
import { systemAgentInserts } from './agents'
import { apiKeys, memberships, organizations, users } from './schema'

const DEV_ORG_ID = 1
const DEV_USER_ID = 1

let provisioned: Promise<void> | undefined

/**
 * Local dev only: while DEV_API_KEY is set (.dev.vars, never on deploy), org 1, user 1 and that key
 * exist. Idempotent SQL, run once per isolate, so a fresh `npm start` needs no seeding step.
 */
export function ensureDevTenant(env: Env, db: Db): Promise<void> {
  const key = env.DEV_API_KEY
  if (!key) return Promise.resolve()
  provisioned ??= provision(db, key, env.DEV_ORG_NAME ?? 'dev', env.DEFAULT_MODEL ?? 'dev/echo').catch((err: unknown) => {
    provisioned = undefined
    throw err
  })
  return provisioned
}

async function provision(db: Db, key: string, orgName: string, model: string): Promise<void> {
  const keyHash = await sha256Hex(key)
  await db.batch([
    db.insert(organizations).values({ id: DEV_ORG_ID, name: orgName }).onConflictDoNothing(),
    db.insert(users).values({ id: DEV_USER_ID, email: 'dev@localhost', name: 'Dev User' }).onConflictDoNothing(),
    db.insert(memberships).values({ orgId: DEV_ORG_ID, userId: DEV_USER_ID, role: 'owner' }).onConflictDoNothing(),
    db
      .insert(apiKeys)
      .values({ id: 'dev', userId: DEV_USER_ID, name: 'dev key (DEV_API_KEY)', keyHash, prefix: key.slice(0, 7) })
      .onConflictDoNothing(),
    ...systemAgentInserts(db, DEV_ORG_ID, model),
  ])
}
