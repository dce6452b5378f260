import type { Env } from '../env'
import { ApiError } from '../errors'
import { threadStub } from './stubs'
import type { ChatMessage, Checkpoint, ThreadState } from './types'

/** The thread half of the engine's service: what dialects may ask of a ThreadObject. */

export const threadState = (env: Env, threadId: string): Promise<ThreadState> => threadStub(env, threadId).state()

/** An empty thread (ACP POST /threads). */
export const createThread = (env: Env, threadId: string): Promise<ThreadState> => threadStub(env, threadId).create(threadId)

/** Checkpoints newest first. */
export const threadHistory = (env: Env, threadId: string, limit: number, before?: string): Promise<Checkpoint[]> => threadStub(env, threadId).history(limit, before)

/** A new thread `targetId` that starts with `sourceId`'s conversation. */
export async function copyThread(env: Env, sourceId: string, targetId: string): Promise<ThreadState> {
  const state = await threadStub(env, sourceId).state()
  return threadStub(env, targetId).copyFrom(targetId, state.messages, state.last_output)
}

/** Cancels what runs or waits on the thread, then forgets it (its D1 row too). */
/** Deletes an idle thread; 409 while a run of it is active or queued (ACP: deletion fails then; cancel them first). */
export async function destroyIdleThread(env: Env, threadId: string): Promise<void> {
  const { deleted } = await threadStub(env, threadId).destroy(true)
  if (!deleted) throw new ApiError('conflict', 'The thread has a pending run: cancel it (or wait for it) before deleting the thread')
}

/** Replaces the conversation; false while a run is active. */
export async function patchThreadMessages(env: Env, threadId: string, messages: ChatMessage[]): Promise<boolean> {
  return (await threadStub(env, threadId).patchMessages(messages)).ok
}
