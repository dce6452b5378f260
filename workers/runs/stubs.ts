import type { RunObject } from '../../durable-objects/run'
import type { ThreadObject } from '../../durable-objects/thread'
import { createDb } from '../db/client'
import { deleteRun } from '../db/runs'
import type { Env } from '../env'

/**
 * Stub types derived from the classes: a changed RPC signature fails `tsc` at every caller
 * (test/stub-types.test.ts). Env declares the namespaces untyped so that env.ts imports no
 * Durable Object class (no type cycle through every module that reads Env); the one narrowing
 * to the class lives here.
 */
export type RunStub = DurableObjectStub<RunObject>
export type ThreadStub = DurableObjectStub<ThreadObject>

export const runStub = (env: Pick<Env, 'RUNS'>, runId: string): RunStub => env.RUNS.getByName(runId) as RunStub
export const threadStub = (env: Pick<Env, 'THREADS'>, threadId: string): ThreadStub => env.THREADS.getByName(threadId) as ThreadStub

/** Cancel a run, then forget it: its RunObject storage and its D1 row (ACP delete, rollback). */
export async function forgetRun(env: Pick<Env, 'RUNS' | 'DB'>, runId: string): Promise<void> {
  await runStub(env, runId).rollback()
  await deleteRun(createDb(env.DB), runId)
}
