import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../../workers/index'
import { runStub } from '../../workers/runs/stubs'
import type { StoredEvent } from '../../workers/runs/types'

export const run = (runId: string) => runStub(env, runId)

/** Delivers queue messages straight to the consumer, as the Queues runtime would. */
export async function deliver(runIds: string[], attempts = 1) {
  const batch = createMessageBatch('agent-runs', runIds.map((run_id, i) => ({ id: `manual-${crypto.randomUUID()}-${i}`, timestamp: new Date(), attempts, body: { run_id } })))
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

export const allEvents = (runId: string): Promise<StoredEvent[]> => run(runId).events(0, 1000)
export const deltas = (events: StoredEvent[]) => events.filter((e) => e.type === 'message_delta').map((e) => String(e.data.text).trim())
