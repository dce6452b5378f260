import { getAgent } from '../../db/agents'
import { createDb } from '../../db/client'
import type { RegistryRow } from '../../db/warehouse'
import type { Env } from '../../env'
import { executeOperation } from './execute'
import { executeMcp } from './mcp'

const PULL_TIMEOUT_MS = 60_000
/** A Bronze payload is kept whole up to this size (the executor's read cap is 1 MiB). */
const MAX_PAYLOAD_CHARS = 1024 * 1024

/**
 * The warehouse's pull (manage_dataset): the registered operation, run as the registering agent
 * with its current connectors and grants — the same scopes, rate limits and secrecy as connector_execute.
 */
export async function pullThroughConnector(env: Env, entry: RegistryRow): Promise<unknown> {
  const agent = await getAgent(createDb(env.DB), entry.orgId, entry.agentId)
  const acting = { env, signal: AbortSignal.timeout(PULL_TIMEOUT_MS), spec: { org_id: entry.orgId, agent_id: agent.id, connectors: agent.connectors } }
  const req = { service: entry.connector, operation: entry.operation, params: (entry.params ?? {}) as Record<string, unknown>, max_chars: MAX_PAYLOAD_CHARS }
  const result = entry.connector.startsWith('mcp') ? await executeMcp(acting, req) : await executeOperation(acting, req)
  if (result.ok !== true) throw new Error(`${entry.connector} ${entry.operation}: ${String(result.error ?? `status ${String(result.status)}`)}`)
  if (result.truncated) throw new Error(`${entry.connector} ${entry.operation}: response over ${MAX_PAYLOAD_CHARS} characters; narrow params`)
  return result.body
}
