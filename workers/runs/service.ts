import type { Db } from '../app-env'
import type { AgentRow } from '../db/agents'
import * as runsDb from '../db/runs'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { createDb } from '../db/client'
import { priceOf } from '../runtime/pricing'
import { forgetRun, runStub, threadStub } from './stubs'
import { cancelChildren } from './subagents'
import type { JsonObject, MultitaskStrategy, RunSnapshot, RunSpec } from './types'

export const DEFAULT_TIMEOUT_S = 900
export const DEFAULT_MAX_STEPS = 25

export interface CreateRunInput {
  orgId: number
  agent: AgentRow
  input: string
  images?: string[] | null
  /** Overrides the agent's model for this run (validated by the caller). */
  model?: string | null
  channel: string
  createdBy: number | null
  threadId?: string | null
  /** A thread created with this run: inserted in the same D1 batch, admitted without a queue check. */
  newThread?: boolean
  strategy?: MultitaskStrategy
  timeoutSeconds?: number
  /** Most model steps (ACP config.recursion_limit); DEFAULT_MAX_STEPS otherwise. */
  maxSteps?: number
  /** Added to the agent's system prompt for this run only (ACP config.configurable.instructions). */
  instructions?: string | null
  afterSeconds?: number
  userIdentifier?: string | null
  groupIdentifier?: string | null
  ipAddress?: string | null
  userAgent?: string | null
  metadata?: JsonObject | null
  /** The creating request, for dialects that echo it (ACP `creation`). */
  creation?: JsonObject | null
  webhook?: string | null
  /** ACP stateless: the run's thread is its own and hidden (a column, not inferred from `creation`). */
  stateless?: boolean
  scheduleId?: string | null
}

/** A run's title: the first non-empty line of its input, at most 200 characters. */
export const runName = (input: string): string => (input.split('\n').find((l) => l.trim()) ?? '').trim().slice(0, 200)

export interface CreatedRun {
  row: runsDb.RunRow
  admission: 'started' | 'queued'
}

/**
 * The one way a run comes to be, for every dialect: D1 row (agent version pinned) → RunObject
 * (held when it belongs to a thread) → thread admission by multitask strategy → queue.
 */
export async function createRun(db: Db, env: Env, input: CreateRunInput): Promise<CreatedRun> {
  const { agent } = input
  if (!agent.isEnabled) throw ApiError.invalid(['body', 'agent_id'], 'The agent is disabled', 'agent_disabled')
  const id = crypto.randomUUID()
  const threadId = input.threadId ?? null
  // The agent row is its current version: every profile change writes the snapshot it pins.
  const { row, threadCreated, budget, spent, context } = await runsDb.insertRun(
    db,
    {
      id,
      orgId: input.orgId,
      agentId: agent.id,
      agentVersion: agent.version,
      threadId,
      channel: input.channel,
      name: runName(input.input),
      status: 'pending',
      model: input.model ?? agent.model,
      input: input.input,
      createdBy: input.createdBy,
      userIdentifier: input.userIdentifier ?? null,
      groupIdentifier: input.groupIdentifier ?? null,
      ipAddress: input.ipAddress ?? null,
      userAgent: input.userAgent ?? null,
      metadata: input.metadata ?? null,
      creation: input.creation ?? null,
      scheduleId: input.scheduleId ?? null,
      stateless: input.stateless ?? false,
    },
    input.newThread && threadId ? { id: threadId, orgId: input.orgId, agentId: agent.id, createdBy: input.createdBy, status: 'busy' } : undefined,
  )
  if (budget !== null && spent >= budget) {
    await runsDb.uninsertRun(db, id, threadCreated ? threadId : null)
    throw new ApiError('budget_exceeded', `The organization's monthly budget of $${budget} is spent ($${spent.toFixed(6)} this month)`)
  }
  const spec: RunSpec = {
    run_id: id,
    run_number: row.number,
    org_id: input.orgId,
    agent_id: agent.id,
    agent_version: agent.version,
    thread_id: threadId,
    ...(input.newThread && threadId ? { new_thread: true } : {}),
    channel: input.channel,
    model: input.model ?? agent.model,
    prices: priceOf(input.model ?? agent.model),
    system_prompt: input.instructions ? [agent.systemPrompt, input.instructions].filter(Boolean).join('\n\n') : agent.systemPrompt,
    connectors: agent.connectors,
    input: input.input,
    ...(input.images?.length ? { images: input.images } : {}),
    user_key: input.userIdentifier ?? `user:${input.createdBy ?? 'anonymous'}`,
    max_steps: input.maxSteps ?? DEFAULT_MAX_STEPS,
    timeout_ms: (input.timeoutSeconds ?? DEFAULT_TIMEOUT_S) * 1000,
    webhook: input.webhook ?? null,
    budget_remaining_usd: budget === null ? null : budget - spent,
    schedule_id: input.scheduleId ?? null,
    context: { at_ms: Date.now(), ...context },
  }
  const run = runStub(env, id)
  const delay_ms = (input.afterSeconds ?? 0) * 1000
  if (threadId === null) {
    await run.init(spec, { enqueue: true, delay_ms })
    return { row, admission: 'started' }
  }
  if (input.newThread && !threadCreated) {
    // A concurrent request created this thread first and is beginning it: this one is refused, not
    // admitted, because its admission could reach the thread before the winner's begin (two active runs).
    await runsDb.deleteRun(db, id)
    throw new ApiError('conflict', `Thread ${threadId} was just created by a concurrent request; retry the run`)
  }
  if (input.newThread) {
    // Nothing can be ahead of the first run of a new thread: it is marked active, then started. In this
    // order: a run that started first could end before its thread knew it (the thread would stay busy).
    await threadStub(env, threadId).begin(threadId, id)
    await run.init(spec, { enqueue: true, delay_ms })
    return { row, admission: 'started' }
  }
  await run.init(spec, { enqueue: false, delay_ms })
  const admission = await threadStub(env, threadId).admit(threadId, id, input.strategy ?? 'enqueue')
  if (admission.action === 'rejected') {
    await forgetRun(env, id)
    throw new ApiError('conflict', `The thread is busy with run ${admission.active_run} (multitask_strategy=reject)`)
  }
  if (admission.action === 'creating') {
    await forgetRun(env, id)
    throw new ApiError('conflict', `Thread ${threadId} was just created by a concurrent request; retry the run`)
  }
  return { row, admission: admission.action === 'start' ? 'started' : 'queued' }
}

/** Cancel and forget a run (ACP delete). */
export const deleteRun = forgetRun

export function runSnapshot(env: Env, runId: string): Promise<RunSnapshot> {
  return runStub(env, runId).snapshot()
}

/** Cancels the run and the sub-agents it started (run_subagent). */
export async function cancelRun(env: Env, runId: string, reason?: string): Promise<RunSnapshot> {
  const snapshot = await runStub(env, runId).cancel(reason)
  await cancelChildren(createDb(env.DB), env, runId, 'The parent run was cancelled')
  return snapshot
}

export async function resumeRun(env: Env, runId: string, answer: string): Promise<RunSnapshot> {
  const result = await runStub(env, runId).resume(answer)
  if (!result.ok) throw new ApiError('conflict', `The run is ${result.status ?? 'unknown'}, not interrupted: nothing to resume`)
  return result.run
}

/** Events worth reading as a log (no token deltas or status ticks), paged. */
export function runLogs(env: Env, runId: string, skip: number, limit: number, newestFirst: boolean) {
  return runStub(env, runId).logs(skip, limit, newestFirst)
}

export function waitRun(env: Env, runId: string, timeoutMs: number): Promise<RunSnapshot> {
  return runStub(env, runId).wait(timeoutMs)
}

export { lastEventIdOf, streamRun } from './stream'
