import { eq } from 'drizzle-orm'
import type { Db } from '../app-env'
import type { Env } from '../env'
import { sha256Hex } from '../lib/crypto'
import { systemAgentInserts } from './agents'
import { apiKeys, memberships, organizations, users } from './schema'

const DEV_ORG_ID = 1
const DEV_EMAIL = 'dev@localhost'

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

/** Membership and key attach only to org 1 named DEV_ORG_NAME and to dev@localhost, never to another tenant. */
async function provision(db: Db, key: string, orgName: string, model: string): Promise<void> {
  await db.batch([db.insert(organizations).values({ id: DEV_ORG_ID, name: orgName }).onConflictDoNothing(), db.insert(users).values({ email: DEV_EMAIL, name: 'Dev User' }).onConflictDoNothing()])
  const [org, user] = await Promise.all([db.select().from(organizations).where(eq(organizations.id, DEV_ORG_ID)).get(), db.select().from(users).where(eq(users.email, DEV_EMAIL)).get()])
  if (!user || org?.name !== orgName) {
    console.warn(`DEV_API_KEY ignored: org ${DEV_ORG_ID} is not "${orgName}" in this database`)
    return
  }
  await db.batch([
    db.insert(memberships).values({ orgId: DEV_ORG_ID, userId: user.id, role: 'owner' }).onConflictDoNothing(),
    db
      .insert(apiKeys)
      .values({ id: 'dev', userId: user.id, name: 'dev key (DEV_API_KEY)', keyHash: await sha256Hex(key), prefix: key.slice(0, 7) })
      .onConflictDoNothing(),
    ...systemAgentInserts(db, DEV_ORG_ID, model),
  ])
}
