import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'
import { createDb } from '../workers/db/client'
import { deleteThread, mirrorThread } from '../workers/db/runs'
import { forgetRun, runStub } from '../workers/runs/stubs'
import { type Admission, type ChatMessage, type Checkpoint, isTerminal, type MultitaskStrategy, type RunChange, type ThreadMirror, type ThreadState, type ThreadStatus } from '../workers/runs/types'
import { ThreadStore } from './thread-store'

/**
 * One per thread (a session's turns, an ACP thread's runs). Admits runs one at a time by
 * multitask strategy, keeps the conversation the next run continues, and starts the next queued
 * run when the active one ends — whatever ended it (success, error, cancel, timeout), so a
 * cancelled interrupt never blocks the thread.
 */
export class ThreadObject extends DurableObject<Env> {
  #store: ThreadStore
  #admissions: Promise<unknown> = Promise.resolve()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#store = new ThreadStore(ctx.storage.sql)
  }

  /**
   * The first run of a new thread (already queued by its creator): it is the active run. Its D1
   * row was inserted as busy in the run's own batch, so there is nothing to mirror.
   */
  begin(threadId: string, runId: string): void {
    this.#store.ensure(threadId)
    this.#store.set('busy', runId)
  }

  /** A thread created empty (ACP POST /threads). */
  create(threadId: string): ThreadState {
    this.#store.ensure(threadId)
    return this.state()
  }

  /**
   * Decides whether `runId` may run now; a run admitted to start is released to the queue here.
   * Admissions are taken one at a time, in arrival order: their RPCs to other objects would
   * otherwise interleave (input gates only cover storage), and 50 concurrent rollbacks rolled back
   * runs still being admitted. So under any strategy the last admitted run is the active one, an
   * earlier one was admitted, then replaced (rollback: forgotten; interrupt: cancelled), exactly
   * as if the requests had come one after another.
   */
  admit(threadId: string, runId: string, strategy: MultitaskStrategy): Promise<Admission> {
    const admission = this.#admissions.then(() => this.#admit(threadId, runId, strategy))
    this.#admissions = admission.catch(() => undefined)
    return admission
  }

  async #admit(threadId: string, runId: string, strategy: MultitaskStrategy): Promise<Admission> {
    // Only begin (the first run of a new thread), create or copyFrom introduce a thread here. A thread
    // whose D1 row exists but is unknown here is still being created by a concurrent first run: admitting
    // this run now could make it active before that run's begin arrives (two active runs).
    if (!this.#store.get()) return { action: 'creating' }
    const thread = this.#store.ensure(threadId)
    const active = thread.active_run
    if (active && strategy === 'reject') return { action: 'rejected', active_run: active }
    if (active && strategy === 'enqueue') return { action: 'queued', position: this.#store.enqueue(runId) }
    // Free, or interrupt/rollback: the new run takes over before the old one is stopped, so the
    // old run's end (reported back through runChanged) is not mistaken for the active run's.
    await this.#set('busy', runId)
    if (active) {
      if (strategy === 'rollback') await forgetRun(this.env, active)
      else await runStub(this.env, active).cancel('Interrupted by a newer run (multitask_strategy=interrupt)')
    }
    try {
      await runStub(this.env, runId).release()
    } catch (err) {
      await this.#set('idle', null)
      throw err
    }
    return { action: 'start' }
  }

  /**
   * RunObject reports every status change of a run on this thread, and gets back the thread's state
   * for the D1 row, to write in the same batch as the run's own row: when the thread goes idle with
   * its run's end, that is the only write of it (one D1 round trip per turn, not two). A state the
   * thread wrote itself comes back too, at its version, and the guarded write changes nothing.
   */
  async runChanged(change: RunChange): Promise<ThreadMirror | null> {
    const thread = this.#store.get()
    if (!thread) return null
    const terminal = isTerminal(change.status)
    if (thread.active_run !== change.run_id) {
      if (terminal) this.#store.dequeue(change.run_id)
      return this.#store.mirror() ?? null
    }
    if (!terminal) {
      await this.#set(change.status === 'interrupted' ? 'interrupted' : 'busy', change.run_id)
      return this.#store.mirror() ?? null
    }
    if (change.status === 'success') this.#store.commit(change.run_id, change.messages, change.output)
    // Ephemeral: a stateless run's thread from before stateless runs went without one (in flight at upgrade).
    if (thread.ephemeral) {
      await this.destroy()
      return null
    }
    const next = await this.#startNext(change.status === 'error' || change.status === 'timeout' ? 'error' : 'idle')
    return next ?? this.#store.mirror() ?? null
  }

  /** Checkpoints newest first (ACP /history). */
  history(limit: number, before?: string): Checkpoint[] {
    return this.#store.checkpoints(limit, before)
  }

  /** Replaces the conversation (ACP PATCH values/messages). Refused while a run is active. */
  async patchMessages(messages: ChatMessage[]): Promise<{ ok: boolean }> {
    const thread = this.#store.get()
    if (!thread) return { ok: false }
    if (thread.active_run) return { ok: false }
    this.#store.replaceMessages(messages, 'patch')
    await this.#mirror()
    return { ok: true }
  }

  /** Copies another thread's conversation here as one checkpoint (ACP /copy). */
  async copyFrom(threadId: string, messages: ChatMessage[], lastOutput: string | null): Promise<ThreadState> {
    this.#store.ensure(threadId)
    this.#store.commit('copy', messages, lastOutput)
    await this.#mirror()
    return this.state()
  }

  /** Cancels what runs or waits here, then forgets the thread (its D1 row too). */
  /**
   * Deletes the thread and cancels its runs. `onlyIfIdle` refuses while a run is active or queued
   * (ACP: deleting a thread with a pending run fails), checked and done in one turn of this object.
   */
  async destroy(onlyIfIdle = false): Promise<{ deleted: boolean }> {
    const thread = this.#store.get()
    if (!thread) return { deleted: true }
    const runs = [...this.#store.queued(), ...(thread.active_run ? [thread.active_run] : [])]
    if (onlyIfIdle && runs.length > 0) return { deleted: false }
    this.#store.set('idle', null)
    for (const queued of this.#store.queued()) this.#store.dequeue(queued)
    await Promise.all(runs.map((r) => runStub(this.env, r).cancel('The thread was deleted')))
    await deleteThread(createDb(this.env.DB), thread.thread_id)
    await this.ctx.storage.deleteAll()
    // deleteAll drops the tables too; late calls (a cancelled run reporting back) need them.
    this.#store = new ThreadStore(this.ctx.storage.sql)
    return { deleted: true }
  }

  /** The conversation so far, for the next run's model context. */
  messages(): ChatMessage[] {
    return this.#store.messages()
  }

  state(): ThreadState {
    const t = this.#store.get()
    return {
      thread_id: t?.thread_id ?? '',
      exists: t !== undefined,
      status: t?.status ?? 'idle',
      active_run: t?.active_run ?? null,
      queued_runs: this.#store.queued(),
      messages: this.#store.messages(),
      last_output: t?.last_output ?? null,
    }
  }

  /**
   * Starts the oldest queued run, else settles at `statusIfNone`: that last state is left for the
   * caller (the ended run's final batch) to write, returned at a new version.
   */
  async #startNext(statusIfNone: ThreadStatus): Promise<ThreadMirror | undefined> {
    for (let next = this.#store.shift(); next; next = this.#store.shift()) {
      await this.#set('busy', next)
      const snap = await runStub(this.env, next).release()
      // Released, it may be running already (its object runs it at once): only an ended one is skipped.
      if (!isTerminal(snap.status)) return undefined
      // It ended while waiting (cancelled in the queue): try the one after it.
    }
    return this.#store.set(statusIfNone, null, true)
  }

  /** Every status change is one D1 write, so threads can be searched by status and values. */
  async #set(status: ThreadStatus, activeRun: string | null): Promise<void> {
    const before = this.#store.get()
    const mirror = this.#store.set(status, activeRun, before?.status !== status)
    if (mirror) await mirrorThread(createDb(this.env.DB), mirror)
  }

  async #mirror(): Promise<void> {
    const mirror = this.#store.nextMirror()
    if (mirror) await mirrorThread(createDb(this.env.DB), mirror)
  }
}
