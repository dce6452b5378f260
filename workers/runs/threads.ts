import type { Env } from '../env'
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
export const destroyThread = (env: Env, threadId: string): Promise<void> => threadStub(env, threadId).destroy()

/** Replaces the conversation; false while a run is active. */
export async function patchThreadMessages(env: Env, threadId: string, messages: ChatMessage[]): Promise<boolean> {
  return (await threadStub(env, threadId).patchMessages(messages)).ok
}
