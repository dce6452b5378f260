import type { RunStub } from '../runs/stubs'
import type { ChatMessage, PendingInterrupt, RunEvent, RunStatus, WriteResult } from '../runs/types'

/** The run stopped under us (cancelled, timed out, lease lost): stop working, write nothing more. */
export class RunStopped extends Error {
  override readonly name = 'RunStopped'
  constructor(readonly status: RunStatus) {
    super(`run stopped: ${status}`)
  }
}

/** Lease per write: a consumer that stops writing for this long is presumed dead. */
export const LEASE_MS = 30_000
const FLUSH_EVERY_MS = 25
const FLUSH_AT_EVENTS = 64

/**
 * The loop's side of RunObject (over RPC from a queue consumer, in place when the object runs its own
 * run): batches token deltas (one write per ~25 ms, never one per token), and turns every "stop"
 * answer into an abort of the model call and a RunStopped throw.
 */
export class RunWriter {
  #pending: RunEvent[] = []
  #lastFlush = Date.now()

  constructor(
    private readonly run: RunStub,
    private readonly owner: string,
    private readonly abort: AbortController,
  ) {}

  async delta(key: string, text: string): Promise<void> {
    this.#pending.push({ type: 'message_delta', data: { text }, key })
    if (this.#pending.length >= FLUSH_AT_EVENTS || Date.now() - this.#lastFlush >= FLUSH_EVERY_MS) await this.flush()
  }

  async append(events: RunEvent[]): Promise<void> {
    this.hold(events)
    await this.flush()
  }

  /** Holds events for the next write (append, checkpoint, finish…): a step's last events ride with what follows them. */
  hold(events: RunEvent[]): void {
    this.#pending.push(...events)
  }

  async flush(): Promise<void> {
    if (this.#pending.length === 0) return
    const batch = this.#pending
    this.#pending = []
    this.#lastFlush = Date.now()
    this.#check(await this.run.append(this.owner, LEASE_MS, batch))
  }

  async heartbeat(): Promise<void> {
    this.#check(await this.run.heartbeat(this.owner, LEASE_MS))
  }

  async saveToolResult(toolCallId: string, result: string): Promise<void> {
    this.#check(await this.run.saveToolResult(this.owner, LEASE_MS, toolCallId, result))
  }

  async checkpoint(step: number, messages: ChatMessage[]): Promise<void> {
    await this.flush()
    this.#check(await this.run.checkpoint(this.owner, LEASE_MS, step, messages))
  }

  async interrupt(pending: PendingInterrupt, step: number, messages: ChatMessage[]): Promise<void> {
    await this.flush()
    this.#check(await this.run.interrupt(this.owner, pending, step, messages))
  }

  async defer(delayMs: number, reason: string): Promise<void> {
    await this.flush()
    this.#check(await this.run.defer(this.owner, delayMs, reason))
  }

  /** One write: the held events and the end of the run. */
  async finish(outcome: Parameters<RunStub['finish']>[1]): Promise<void> {
    const events = this.#pending
    this.#pending = []
    this.#check(await this.run.finish(this.owner, outcome, events))
  }

  #check(result: WriteResult): void {
    if (result.ok) return
    this.abort.abort(new RunStopped(result.status))
    throw new RunStopped(result.status)
  }
}
