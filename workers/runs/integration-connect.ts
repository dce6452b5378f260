import type { Db } from '../app-env'
import { listInterruptedRuns } from '../db/runs'
import type { Env } from '../env'
import { CONNECT_FIELD_TYPE } from '../runtime/tools/interaction'
import type { Json } from './types'
import { runSnapshot } from './service'
import { runStub } from './stubs'

/** Interrupted runs looked at per new credential: a bounded scan, newest first. */
const SCAN_LIMIT = 50

const waitsFor = (fields: Json | undefined, service: string): boolean =>
  Array.isArray(fields) && fields.some((f) => typeof f === 'object' && f !== null && !Array.isArray(f) && f.type === CONNECT_FIELD_TYPE && f.service === service)

/**
 * request_form's "integration connect": a run paused until the org connects `service` is resumed
 * as soon as a credential of that service exists. Returns the ids of the runs it resumed.
 */
export async function resumeConnectWaiters(db: Db, env: Env, orgId: number, service: string, credentialId: string): Promise<string[]> {
  const resumed: string[] = []
  for (const runId of await listInterruptedRuns(db, orgId, SCAN_LIMIT)) {
    const snapshot = await runSnapshot(env, runId)
    if (snapshot.status !== 'interrupted' || !waitsFor(snapshot.interrupt?.fields, service)) continue
    const result = await runStub(env, runId).resume(`connected: ${service} (credential ${credentialId})`)
    if (result.ok) resumed.push(runId)
  }
  return resumed
}
