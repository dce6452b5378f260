import { createExecutionContext, createMessageBatch, getQueueResult, runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { RunStore } from '../../durable-objects/run-store'
import worker from '../../workers/index'
import { runStub } from '../../workers/runs/stubs'
import type { StoredEvent } from '../../workers/runs/types'

export const run = (runId: string) => runStub(env, runId)

/** Delivers queue messages straight to the consumer, as the Queues runtime would. */
export async function deliver(runIds: string[], attempts = 1) {
  const batch = createMessageBatch(
    'agent-runs',
    runIds.map((run_id, i) => ({ id: `manual-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body: { run_id } })),
  )
  const ctx = createExecutionContext()
  await worker.queue(batch, env, ctx)
  return getQueueResult(batch, ctx)
}

export async function until<T>(probe: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs
  for (;;) {
    const v = await probe()
    if (ok(v)) return v
    if (Date.now() > end) throw new Error(`condition not met in ${timeoutMs} ms: ${JSON.stringify(v).slice(0, 300)}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

/** The run's whole event log, read inside its RunObject (not an RPC method: tests only). */
export const allEvents = (runId: string): Promise<StoredEvent[]> => runInDurableObject(run(runId), (_, state) => new RunStore(state.storage.sql).eventsAfter(0, 1000))

/** How many D1 writes the run has made (the per-state-change budget is asserted in tests). */
export const d1Writes = (runId: string): Promise<number> => runInDurableObject(run(runId), (_, state) => new RunStore(state.storage.sql).get()?.d1_writes ?? 0)
export const deltas = (events: StoredEvent[]) => events.filter((e) => e.type === 'message_delta').map((e) => String(e.data.text).trim())
