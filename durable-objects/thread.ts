import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'
import { runStub } from '../workers/runs/stubs'
import type { ChatMessage, RunStatus } from '../workers/runs/types'
import { type ThreadStatus, ThreadStore } from './thread-store'

export type MultitaskStrategy = 'reject' | 'enqueue' | 'interrupt' | 'rollback'

export type Admission = { action: 'start' } | { action: 'queued'; position: number } | { action: 'rejected'; active_run: string }

export interface ThreadState {
  thread_id: string
  status: ThreadStatus
  active_run: string | null
  queued_runs: string[]
  messages: ChatMessage[]
}

/**
 * One per thread (a session's turns, an ACP thread's runs). Admits runs one at a time by
 * multitask strategy, keeps the conversation the next run continues, and starts the next queued
 * run when the active one ends — whatever ended it (success, error, cancel, timeout), so a
 * cancelled interrupt never blocks the thread.
 */
export class ThreadObject extends DurableObject<Env> {
  readonly #store: ThreadStore

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#store = new ThreadStore(ctx.storage.sql)
  }

  /** The first run of a new thread (already queued by its creator): it is the active run. */
  begin(threadId: string, runId: string): void {
    this.#store.ensure(threadId)
    this.#store.set('busy', runId)
  }

  /** Decides whether `runId` may run now; a run admitted to start is released to the queue here. */
  async admit(threadId: string, runId: string, strategy: MultitaskStrategy): Promise<Admission> {
    const thread = this.#store.ensure(threadId)
    const active = thread.active_run
    if (active && strategy === 'reject') return { action: 'rejected', active_run: active }
    if (active && strategy === 'enqueue') return { action: 'queued', position: this.#store.enqueue(runId) }
    // Free, or interrupt/rollback: the new run takes over before the old one is stopped, so the
    // old run's end (reported back through runChanged) is not mistaken for the active run's.
    this.#store.set('busy', runId)
    if (active) {
      const old = runStub(this.env, active)
      if (strategy === 'rollback') await old.rollback()
      else await old.cancel('Interrupted by a newer run (multitask_strategy=interrupt)')
    }
    try {
      await runStub(this.env, runId).release()
    } catch (err) {
      this.#store.set('idle', null)
      throw err
    }
    return { action: 'start' }
  }

  /** RunObject reports every status change of a run on this thread. */
  async runChanged(change: { run_id: string; status: RunStatus; output: string | null; messages: ChatMessage[] }): Promise<void> {
    const thread = this.#store.get()
    if (!thread) return
    const terminal = ['success', 'error', 'cancelled', 'timeout'].includes(change.status)
    if (thread.active_run !== change.run_id) {
      if (terminal) this.#store.dequeue(change.run_id)
      return
    }
    if (!terminal) {
      this.#store.set(change.status === 'interrupted' ? 'interrupted' : 'busy', change.run_id)
      return
    }
    if (change.status === 'success') this.#store.commit(change.run_id, change.messages)
    await this.#startNext(change.status === 'error' || change.status === 'timeout' ? 'error' : 'idle')
  }

  /** The conversation so far, for the next run's model context. */
  history(): ChatMessage[] {
    return this.#store.messages()
  }

  state(): ThreadState {
    const t = this.#store.get()
    return {
      thread_id: t?.thread_id ?? '',
      status: t?.status ?? 'idle',
      active_run: t?.active_run ?? null,
      queued_runs: this.#store.queued(),
      messages: this.#store.messages(),
    }
  }

  async #startNext(statusIfNone: ThreadStatus): Promise<void> {
    for (let next = this.#store.shift(); next; next = this.#store.shift()) {
      this.#store.set('busy', next)
      const snap = await runStub(this.env, next).release()
      if (snap.status === 'pending') return
      // It ended while waiting (cancelled in the queue): try the one after it.
    }
    this.#store.set(statusIfNone, null)
  }
}
