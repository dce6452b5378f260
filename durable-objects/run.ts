import { DurableObject } from 'cloudflare:workers'
import type { Env } from '../workers/env'
import { eventOf } from '../workers/runs/messages'
import { costOf } from '../workers/runs/cost'
import {
  type ChatMessage,
  type ClaimResult,
  isTerminal,
  type PendingInterrupt,
  type RunEvent,
  type RunSnapshot,
  type RunSpec,
  type RunStatus,
  type StoredEvent,
  TRANSITIONS,
  type WriteResult,
} from '../workers/runs/types'
import { type OutboxItem, type RunRow, RunStore } from './run-store'
import { deliverOutbox, outboxAfter } from './run-outbox'
import { toSnapshot, usageOf } from './run-snapshot'
import { EventHub, SUBSCRIPTIONS } from './event-hub'
import { errorForLog } from '../workers/lib/log'

/** A due run nobody claimed (its message lost, its loop or consumer dead) is started again after this. */
export const WAKE_AFTER_MS = 60_000
/** After this many wakes without progress the run fails instead of looping forever. */
export const MAX_WAKES = 5
const OUTBOX_RETRY_MS = 5_000
/** How long D1 may show a claimed run as pending: a run that ends sooner is written once. */
export const RUNNING_SYNC_MS = 1_000
/** Consecutive transient model failures of one step before the run fails `upstream_unavailable`. */
export const MAX_STEP_FAILURES = 5
/** Re-queue waits: 1 s, 2 s, 4 s, 8 s… capped at 60 s (a longer Retry-After wins). */
const BACKOFF_BASE_MS = 1_000
const BACKOFF_MAX_MS = 60_000
const MAX_WAIT_MS = 300_000

const nowIso = () => new Date().toISOString()

/**
 * One per run. Owns the status machine, the append-only event log and its SSE fan-out, the
 * checkpoint a retried consumer resumes from, and the lease that keeps two consumers from
 * running the same run. Side effects on the outside (D1 row, thread, queue) go through an outbox
 * the alarm retries, so a crash between a state change and its D1 write loses nothing.
 */
export class RunObject extends DurableObject<Env> {
  #store: RunStore
  readonly #hub = new EventHub()
  readonly #waiters = new Set<() => void>()
  /** In memory so the token path skips a row read: true once time to first token is stored (re-read after eviction). */
  #firstTokenSeen = false
  /** Set when a state change owes the outside world something; cleared when the outbox is delivered. */
  #owed = false
  /** Set when the run is due now and this object runs it (see runHere): started once the change is delivered. */
  #startHere = false
  /** Counts outbox additions; `#owedAt` holds each item's latest, so a delivery pass knows what was owed again during it. */
  #owings = 0
  readonly #owedAt = new Map<OutboxItem, number>()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.#store = new RunStore(ctx.storage.sql)
  }

  /**
   * Runs the run's loop in this object, the lease holder like any consumer, its writes these same
   * methods called in place (no queue hop, no claim or finish over RPC). Durable Objects import
   * nothing from the runtime: the worker's entry composes the loop in (workers/run-object.ts). Without
   * it every start goes through the queue, which stays the path of delayed starts either way.
   */
  protected runHere?(runId: string, owner: string): Promise<unknown>

  /** Creates the run (idempotent). `enqueue: false` holds it until its thread admits it (release). */
  async init(spec: RunSpec, opts: { enqueue: boolean; delay_ms?: number }): Promise<void> {
    const startAt = Date.now() + (opts.delay_ms ?? 0)
    const here = opts.enqueue && !opts.delay_ms && this.runHere !== undefined
    // One insert: the row, held, due here, or already owing its queue message (#queue's fields, written at once).
    const queued = opts.enqueue ? { queued_ms: startAt, outbox: here ? [] : ['enqueue' as const] } : { queued_ms: 0, outbox: [] }
    if (this.#store.init(spec, nowIso(), { deadline_ms: 0, start_at_ms: startAt, ...queued })) {
      this.#owed = opts.enqueue
      this.#startHere = here
      this.#emit([{ type: 'status', data: { status: 'pending' } }])
      await this.#afterChange()
    }
  }

  /** The thread's turn came: start the held run (here, or through the queue when due later). */
  async release(): Promise<RunSnapshot> {
    const run = this.#store.get()
    if (run?.status === 'pending' && run.queued_ms === 0) {
      this.#queue(Math.max(0, run.start_at_ms - Date.now()))
      await this.#afterChange()
    }
    return this.snapshot()
  }

  async claim(owner: string, leaseMs: number): Promise<ClaimResult> {
    const run = this.#store.get()
    if (!run) return { ok: false, reason: 'not_found' }
    if (isTerminal(run.status)) return { ok: false, reason: 'terminal' }
    if (run.status === 'interrupted') return { ok: false, reason: 'interrupted' }
    const now = Date.now()
    if (run.lease_owner && run.lease_owner !== owner && run.lease_expires_ms > now) {
      return { ok: false, reason: 'leased', retry_in_ms: run.lease_expires_ms - now }
    }
    this.#store.update({ lease_owner: owner, lease_expires_ms: now + leaseMs, attempt: run.attempt + 1 })
    if (run.status === 'pending') {
      this.#transition(run, 'running', { started_at: nowIso(), started_ms: now, deadline_ms: now + run.spec.timeout_ms })
    }
    // The D1 row learns "running" from the alarm RUNNING_SYNC_MS later, unless the run has ended by
    // then and its final write carries everything: a short run costs one D1 write, not two. So does
    // its thread, which admitted this run as its active one already.
    await this.#afterChange(['d1', 'thread'])
    // A first claim has nothing saved yet: no checkpoint, no tool results to read.
    const first = run.attempt === 0
    const cp = first ? undefined : this.#store.checkpoint()
    return {
      ok: true,
      spec: run.spec,
      messages: cp?.messages ?? [{ role: 'user', content: run.spec.input, ...(run.spec.images?.length ? { images: run.spec.images } : {}) }],
      step: cp?.step ?? 0,
      tool_results: first ? {} : this.#store.toolResults(),
      attempt: run.attempt + 1,
    }
  }

  async heartbeat(owner: string, leaseMs: number): Promise<WriteResult> {
    return this.#guarded(owner, leaseMs, () => undefined)
  }

  /** Appends events (dropping ones whose key exists) and fans them out. */
  async append(owner: string, leaseMs: number, events: RunEvent[]): Promise<WriteResult> {
    const result = await this.#guarded(owner, leaseMs, () => {
      this.#emit(events)
    })
    // Usage can end the run (budget): deliver that state change like any other.
    if (this.#owed) await this.#afterChange()
    return result
  }

  async saveToolResult(owner: string, leaseMs: number, toolCallId: string, result: string): Promise<WriteResult> {
    return this.#guarded(owner, leaseMs, () => this.#store.saveToolResult(toolCallId, result))
  }

  async checkpoint(owner: string, leaseMs: number, step: number, messages: ChatMessage[]): Promise<WriteResult> {
    return this.#guarded(owner, leaseMs, (run) => {
      this.#store.saveCheckpoint(step, messages)
      if (run.step_failures) this.#store.update({ step_failures: 0 })
    })
  }

  /** The model asked the user something: park the run until resume(). */
  async interrupt(owner: string, pending: PendingInterrupt, step: number, messages: ChatMessage[]): Promise<WriteResult> {
    const result = await this.#guarded(owner, 0, (run) => {
      this.#store.saveCheckpoint(step, messages)
      this.#emit([{ type: 'interrupt', data: { ...pending }, key: `interrupt:${pending.tool_call_id}` }])
      this.#transition(run, 'interrupted', { interrupt: JSON.stringify(pending), lease_owner: null, lease_expires_ms: 0, queued_ms: 0 })
    })
    await this.#afterChange()
    return result
  }

  /** Ends the run; `events` (the last step's, not yet appended) go first, in the same write. */
  async finish(
    owner: string,
    outcome: { status: 'success' | 'error'; output: string | null; error?: { code: string; message: string }; step: number; messages: ChatMessage[] },
    events: RunEvent[] = [],
  ): Promise<WriteResult> {
    const result = await this.#guarded(owner, 0, () => {
      if (events.length) this.#emit(events)
      // The events' usage may have ended the run already (budget): that end stands.
      const run = this.#store.get()
      if (run?.status !== 'running') return
      this.#store.saveCheckpoint(outcome.step, outcome.messages)
      this.#transition(run, outcome.status, {
        output: outcome.output,
        error: outcome.error ? JSON.stringify(outcome.error) : null,
      })
    })
    await this.#afterChange()
    return result
  }

  /**
   * A transient failure (429 with Retry-After, 5xx, unreachable): release the lease and come back
   * through the queue, resuming from the checkpoint; the run stays `running`. The wait doubles with
   * each consecutive failure of the step (Retry-After when longer). The count lives here, so it
   * survives re-queueing: after MAX_STEP_FAILURES the run fails `upstream_unavailable`.
   */
  async defer(owner: string, delayMs: number, reason: string): Promise<WriteResult> {
    const result = await this.#guarded(owner, 0, (run) => {
      const failures = run.step_failures + 1
      if (failures >= MAX_STEP_FAILURES) {
        const message = `The model endpoint failed ${failures} times in a row (last: ${reason})`
        this.#transition(run, 'error', { step_failures: failures, error: JSON.stringify({ code: 'upstream_unavailable', message }) })
        return
      }
      const wait = Math.max(delayMs, Math.min(BACKOFF_BASE_MS * 2 ** (failures - 1), BACKOFF_MAX_MS))
      this.#emit([{ type: 'status', data: { status: 'running', retry_in_ms: wait, reason, attempt: failures } }])
      this.#store.update({ lease_owner: null, lease_expires_ms: 0, step_failures: failures })
      this.#queue(wait)
    })
    await this.#afterChange()
    return result
  }

  /** Answers the pending interrupt and sends the run back to the queue. */
  async resume(answer: string): Promise<{ ok: true; run: RunSnapshot } | { ok: false; status: RunStatus | null }> {
    const run = this.#store.get()
    if (run?.status !== 'interrupted' || !run.interrupt) return { ok: false, status: run?.status ?? null }
    const cp = this.#store.checkpoint()
    const toolMessage: ChatMessage = { role: 'tool', tool_call_id: run.interrupt.tool_call_id, content: answer }
    this.#store.saveToolResult(run.interrupt.tool_call_id, answer)
    this.#store.saveCheckpoint((cp?.step ?? 0) + 1, [...(cp?.messages ?? []), toolMessage])
    this.#emit([{ type: 'tool_result', data: { tool_call_id: run.interrupt.tool_call_id, name: 'request_form', result: answer } }])
    // A human may answer tomorrow: the run gets a fresh timeout from the moment it resumes.
    this.#transition(run, 'running', { interrupt: null, deadline_ms: Date.now() + run.spec.timeout_ms })
    this.#queue(0)
    await this.#afterChange()
    return { ok: true, run: this.snapshot() }
  }

  /** Idempotent. The consumer learns it at its next write (stop) and aborts the model call. */
  async cancel(reason = 'Cancelled'): Promise<RunSnapshot> {
    const run = this.#store.get()
    if (run && !isTerminal(run.status)) {
      this.#transition(run, 'cancelled', { error: JSON.stringify({ code: 'cancelled', message: reason }) })
      await this.#afterChange()
    }
    return this.snapshot()
  }

  /** Cancel, then forget the run entirely (its events and checkpoints). */
  async rollback(): Promise<void> {
    await this.cancel('Rolled back')
    this.#hub.closeAll()
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    // deleteAll drops the tables too; a late call must find an empty run, not a SQL error.
    this.#store = new RunStore(this.ctx.storage.sql)
  }

  /** The run's events after `after` (Last-Event-ID) as NDJSON lines, then live ones until the run ends. */
  subscribe(after: number): ReadableStream<Uint8Array> {
    const run = this.#store.get()
    // An ended run whose D1 write is still on its way stays open: the delivery closes it once written.
    const closed = !run || (isTerminal(run.status) && !this.#owesD1(run))
    return this.#hub.subscribe(after, (a, limit) => this.#store.eventsAfter(a, limit), closed)
  }

  get [SUBSCRIPTIONS](): number {
    return this.#hub.opened
  }

  /** Events worth reading as a log (no token deltas or status ticks), paged. */
  logs(skip: number, limit: number, newestFirst: boolean): { items: StoredEvent[]; total: number } {
    return this.#store.eventsOfTypes(['message', 'tool_call', 'tool_result', 'artifact', 'interrupt', 'error', 'done'], skip, Math.min(limit, 1000), newestFirst)
  }

  /** Resolves when the run is terminal or interrupted, or after timeoutMs, with its snapshot. */
  async wait(timeoutMs: number): Promise<RunSnapshot> {
    // Settled once D1 says so too: a run can end in the time a wait takes to arrive (its object runs it),
    // and whoever returns from wait() must read the same state in lists.
    const settled = () => {
      const run = this.#store.get()
      return !run || ((isTerminal(run.status) || run.status === 'interrupted') && !this.#owesD1(run))
    }
    if (!settled()) {
      await new Promise<void>((resolve) => {
        const finish = () => {
          clearTimeout(timer)
          this.#waiters.delete(onChange)
          resolve()
        }
        const onChange = () => {
          if (settled()) finish()
        }
        const timer = setTimeout(finish, Math.min(Math.max(timeoutMs, 0), MAX_WAIT_MS))
        this.#waiters.add(onChange)
      })
    }
    return this.snapshot()
  }

  snapshot(): RunSnapshot {
    const run = this.#store.get()
    if (!run) throw new Error('run does not exist (never created, or rolled back)')
    return toSnapshot(run, this.#store.lastSeq())
  }

  /**
   * The cron sweeper's check, for a run D1 still shows as pending/running: the same as the alarm
   * (wake a run whose consumer died, time out, fail after MAX_WAKES), for when an alarm was lost.
   * `missing`: D1 has a row but this object never got the run (a crash between the two). `shown`: the
   * status D1 shows. When this object knows another, a write of it never landed (its outbox item was
   * lost): the row is owed again (a repeat is harmless: D1 keeps the newest by seq), and an ended run's
   * thread hears the end again, so a lost report never leaves the thread busy.
   */
  async sweep(shown?: 'pending' | 'running'): Promise<'missing' | RunStatus> {
    const run = this.#store.get()
    if (!run) return 'missing'
    if (shown && run.status !== shown) this.#addOutbox('d1', ...(run.spec.thread_id && isTerminal(run.status) ? (['thread'] as const) : []))
    await this.alarm()
    return this.#store.get()?.status ?? 'missing'
  }

  /** Retention: forget a finished run's events and checkpoints. Refused while it is not finished. */
  async purge(): Promise<boolean> {
    const run = this.#store.get()
    if (run && !isTerminal(run.status)) return false
    await this.ctx.storage.deleteAlarm()
    await this.ctx.storage.deleteAll()
    this.#store = new RunStore(this.ctx.storage.sql)
    return true
  }

  override async alarm(): Promise<void> {
    const run = this.#store.get()
    if (!run) return
    const now = Date.now()
    if (run.status === 'running' && run.started_ms !== null && now >= run.deadline_ms) {
      this.#transition(run, 'timeout', { error: JSON.stringify({ code: 'timeout', message: `Run exceeded ${run.spec.timeout_ms} ms` }) })
    } else if (run.status === 'running' || run.status === 'pending') {
      const leased = run.lease_owner !== null && run.lease_expires_ms > now
      const stale = run.lease_owner !== null || (run.queued_ms > 0 && now - run.queued_ms >= WAKE_AFTER_MS)
      if (!leased && stale) {
        if (run.wakes >= MAX_WAKES) {
          this.#transition(run, 'error', { error: JSON.stringify({ code: 'abandoned', message: `No consumer finished the run after ${MAX_WAKES} wakes` }) })
        } else {
          // Its loop or consumer died, or its message was lost: start it again (here, or through the queue).
          this.#store.update({ lease_owner: null, lease_expires_ms: 0, wakes: run.wakes + 1 })
          this.#queue(0)
        }
      }
    }
    await this.#afterChange()
  }

  // ——— internals ———

  /** Its D1 row (and thread) have not yet been told of its current state. */
  #owesD1(run: RunRow): boolean {
    return run.outbox.includes('d1') || run.outbox.includes('thread')
  }

  /** Runs `write` only for the lease holder of a running run; extends the lease by leaseMs. */
  async #guarded(owner: string, leaseMs: number, write: (run: RunRow) => void): Promise<WriteResult> {
    const run = this.#store.get()
    if (!run) return { ok: false, stop: true, status: 'error' }
    if (run.status !== 'running' || run.lease_owner !== owner) return { ok: false, stop: true, status: run.status }
    if (run.started_ms !== null && Date.now() >= run.deadline_ms) {
      this.#transition(run, 'timeout', { error: JSON.stringify({ code: 'timeout', message: `Run exceeded ${run.spec.timeout_ms} ms` }) })
      await this.#afterChange()
      return { ok: false, stop: true, status: 'timeout' }
    }
    // Extended only once half of it is used: a run streaming tokens writes its lease a few times a
    // minute, not once per token. The holder still never loses a lease it keeps writing within.
    const now = Date.now()
    if (leaseMs > 0 && run.lease_expires_ms - now < leaseMs / 2) this.#store.update({ lease_expires_ms: now + leaseMs })
    write(run)
    this.#store.flush()
    return { ok: true }
  }

  /** Stores the events in one statement, fans them out, then applies what they carry (usage, first token). */
  #emit(events: RunEvent[]): StoredEvent[] {
    const stored = this.#store.append(events, nowIso())
    // Published before the effects below: a budget stop's own events come after these, in seq order.
    this.#hub.publish(stored)
    for (const row of stored) {
      if (row.type === 'usage') {
        this.#store.addUsage(usageOf(row.data))
        this.#checkBudget()
      }
      if (row.type === 'message_delta') this.#noteFirstToken()
    }
    return stored
  }

  /** A run that has cost more than the org had left when it started stops as budget_exceeded. */
  #checkBudget(): void {
    const run = this.#store.get()
    const remaining = run?.spec.budget_remaining_usd
    if (!run || remaining === null || remaining === undefined || run.status !== 'running') return
    const cost = costOf(run.spec.prices, run.usage).total
    if (cost > remaining) {
      this.#transition(run, 'error', { error: JSON.stringify({ code: 'budget_exceeded', message: `The run cost $${cost} and the organization had $${remaining.toFixed(6)} left this month` }) })
    }
  }

  #noteFirstToken(): void {
    if (this.#firstTokenSeen) return
    const run = this.#store.get()
    if (!run || run.started_ms === null) return
    if (run.ttft_ms === null) this.#store.update({ ttft_ms: Date.now() - run.started_ms })
    this.#firstTokenSeen = true
  }

  /** The run is due in `delayMs`: now, and this object runs it; later (or no loop here), the queue carries it. */
  #queue(delayMs: number): void {
    this.#store.update({ queued_ms: Date.now() + delayMs })
    if (delayMs <= 0 && this.runHere) this.#startHere = true
    else this.#addOutbox('enqueue')
  }

  /**
   * Starts the loop, not awaited: the call that made the run due answers now. A pending loop keeps the
   * object alive (its heartbeat timer and its I/O: compatibility date 2026-10-01). A loop that dies or
   * is evicted leaves its lease: the alarm wakes the run after it, as it would a dead consumer's.
   */
  #start(): void {
    if (!this.#startHere || !this.runHere) return
    this.#startHere = false
    const runId = this.#store.get()?.spec.run_id
    if (!runId) return
    // On a later turn: the call that made the run due answers first (its writes alone behind its output gate).
    setTimeout(() => {
      this.runHere?.(runId, `object:${crypto.randomUUID()}`).catch((err) => console.error(`run ${runId}: its loop in the object crashed: ${errorForLog(err)}`))
    }, 0)
  }

  #addOutbox(...items: OutboxItem[]): void {
    this.#owed = true
    for (const item of items) this.#owedAt.set(item, ++this.#owings)
    const outbox = this.#store.get()?.outbox ?? []
    const added = items.filter((item, i) => !outbox.includes(item) && items.indexOf(item) === i)
    if (added.length) this.#store.update({ outbox: JSON.stringify([...outbox, ...added]) })
  }

  #transition(run: RunRow, to: RunStatus, fields: Parameters<RunStore['update']>[0] = {}): void {
    if (!TRANSITIONS[run.status].includes(to)) throw new Error(`illegal run transition ${run.status} → ${to}`)
    const terminal = isTerminal(to)
    this.#store.update({
      ...fields,
      status: to,
      ...(terminal ? { ended_at: nowIso(), lease_owner: null, lease_expires_ms: 0, queued_ms: 0 } : {}),
    })
    const next = this.#store.get()
    if (!next) return
    const events: RunEvent[] = [{ type: 'status', data: { status: to } }]
    if (terminal) {
      const snap = toSnapshot(next, 0)
      events.push({ type: 'done', data: { status: to, output: snap.output, error: snap.error, usage: { ...snap.usage }, costs: { ...snap.costs } } })
    }
    this.#emit(events)
    const owed: OutboxItem[] = ['d1']
    if (next.spec.thread_id) owed.push('thread')
    if (terminal && next.spec.webhook) owed.push('webhook')
    if (eventOf(to)) owed.push('notify')
    this.#addOutbox(...owed)
  }

  /**
   * Delivers the outbox (but `hold`, left for the alarm); what fails stays for the alarm. Then re-arms
   * the one alarm. Passes may overlap (a cancel arrives while a pass awaits D1): each sends its own
   * snapshot, D1 keeps the newest (by seq), and each removes only what it delivered and nobody owed since.
   */
  async #afterChange(hold: readonly OutboxItem[] = []): Promise<void> {
    this.#owed = false
    // The call's changes, as one write, before anything leaves the object.
    this.#store.flush()
    const run = this.#store.get()
    if (!run) return
    const pass = this.#owings
    const attempted = run.outbox.filter((item) => !hold.includes(item))
    const failed = await deliverOutbox(this.env, this.#store, run, this.#store.lastSeq(), attempted)
    const current = this.#store.get()?.outbox ?? []
    const left = outboxAfter(current, attempted, failed, (item) => (this.#owedAt.get(item) ?? 0) > pass)
    if (left.length !== current.length) {
      this.#store.update({ outbox: JSON.stringify(left) })
      this.#store.flush()
    }
    // A stream ends after the D1 write (its done event went out at once): a client that reads a list
    // when its stream closes finds the run, and its thread, as the stream left them.
    if (isTerminal(this.#store.get()?.status ?? 'pending')) this.#hub.closeAll()
    await this.#schedule(left.some((item) => hold.includes(item)) ? RUNNING_SYNC_MS : OUTBOX_RETRY_MS)
    // Waiters wake after the D1 write: whoever returns from wait() reads the new state everywhere.
    for (const waiter of this.#waiters) waiter()
    this.#start()
  }

  async #schedule(outboxInMs = OUTBOX_RETRY_MS): Promise<void> {
    const run = this.#store.get()
    if (!run) return
    const times: number[] = []
    if (run.outbox.length > 0) times.push(Date.now() + outboxInMs)
    if (run.status === 'running' && run.started_ms !== null) times.push(run.deadline_ms)
    if (run.status === 'running' || run.status === 'pending') {
      if (run.lease_owner !== null) times.push(run.lease_expires_ms + 1)
      else if (run.queued_ms > 0) times.push(run.queued_ms + WAKE_AFTER_MS * (run.wakes + 1))
    }
    if (times.length === 0) await this.ctx.storage.deleteAlarm()
    else await this.ctx.storage.setAlarm(Math.min(...times))
  }
}
