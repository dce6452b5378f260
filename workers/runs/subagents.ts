import type { Db } from '../app-env'
import { getAgent } from '../db/agents'
import { childrenOf, childrenOfCall, insertChildren, type SubagentRow } from '../db/subagents'
import type { Env } from '../env'
import { createRun } from './service'
import { runStub } from './stubs'
import type { RunSpec } from './types'

/** Child runs have this channel: they are offered neither run_subagent nor request_form. */
export const SUBAGENT_CHANNEL = 'subagent'

export type SubagentMode = SubagentRow['mode']

const MODE_BRIEF: Record<SubagentMode, string> = {
  explore: 'You are an explore sub-agent: gather the facts the task asks for and report them with sources; change nothing.',
  execute: 'You are an execute sub-agent: carry out the task and report exactly what you did and what came of it.',
  verify: 'You are a verify sub-agent: check the claim or result independently; answer PASS or FAIL with the evidence.',
}

/**
 * Starts one child run per task for this tool call, or returns the ones a previous attempt of the
 * same call started (the call is re-run after every wait). Children run the parent's agent and
 * model, on their own (no thread), within the parent's timeout.
 */
export async function startChildren(db: Db, env: Env, parent: RunSpec, toolCallId: string, tasks: { mode: SubagentMode; prompt: string }[]): Promise<SubagentRow[]> {
  const existing = await childrenOfCall(db, parent.run_id, toolCallId)
  if (existing.length) return existing
  const agent = await getAgent(db, parent.org_id, parent.agent_id)
  const created = await Promise.all(
    tasks.map((task, idx) =>
      createRun(db, env, {
        orgId: parent.org_id,
        agent,
        input: `${MODE_BRIEF[task.mode]}\n\n${task.prompt}`,
        model: parent.model,
        channel: SUBAGENT_CHANNEL,
        createdBy: null,
        timeoutSeconds: Math.max(1, Math.floor(parent.timeout_ms / 1000)),
        metadata: { parent_run_id: parent.run_id, tool_call_id: toolCallId, index: idx, mode: task.mode },
      }),
    ),
  )
  await insertChildren(
    db,
    created.map((c, idx) => ({ parentRunId: parent.run_id, toolCallId, idx, childRunId: c.row.id, mode: tasks[idx]?.mode ?? 'explore', task: tasks[idx]?.prompt ?? '' })),
  )
  return childrenOfCall(db, parent.run_id, toolCallId)
}

/** Cancelling a run cancels the sub-agents it started (idempotent for finished ones). */
export async function cancelChildren(db: Db, env: Env, parentRunId: string, reason: string): Promise<void> {
  const children = await childrenOf(db, parentRunId)
  await Promise.all(children.map((c) => runStub(env, c.childRunId).cancel(reason)))
}
