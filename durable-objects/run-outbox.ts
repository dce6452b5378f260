import { createDb } from '../workers/db/client'
import { mirrorThread, syncRun } from '../workers/db/runs'
import { hasEnabledEndpoint } from '../workers/db/webhooks'
import type { Env } from '../workers/env'
import { errorForLog } from '../workers/lib/log'
import { threadStub } from '../workers/runs/stubs'
import { eventOf, type RunMessage, type WebhookMessage } from '../workers/runs/messages'
import { freshContext, type ThreadMirror } from '../workers/runs/types'
import type { OutboxItem, RunRow, RunStore } from './run-store'
import { toSnapshot } from './run-snapshot'

/**
 * Carries a run's owed side effects to the outside world; answers those that failed, which stay in
 * the RunObject's outbox for its alarm to try again. Owed together, the run's D1 row and its thread
 * go as one: the thread hears the change first and answers with its own row's state, and both rows
 * are written in one D1 batch.
 */
export async function deliverOutbox(env: Env, store: RunStore, run: RunRow, seq: number, items: readonly OutboxItem[]): Promise<OutboxItem[]> {
  const failed: OutboxItem[] = []
  const together = items.includes('d1') && items.includes('thread')
  for (const item of items) {
    if (together && item === 'thread') continue
    try {
      if (together && item === 'd1') await syncD1(env, store, run, seq, await syncThread(env, store, run))
      else await deliverOutboxItem(env, store, item, run, seq)
    } catch (err) {
      console.error(`run ${run.spec.run_id}: outbox ${item}${together && item === 'd1' ? '+thread' : ''} failed: ${errorForLog(err)}`)
      failed.push(item, ...(together && item === 'd1' ? (['thread'] as const) : []))
    }
  }
  return failed
}

/**
 * The outbox after a delivery pass: what is in it now, less what the pass delivered. An item the pass
 * delivered but that was owed again meanwhile (`owedSince`: a concurrent state change, whose own pass
 * may still fail) stays, so a pass that ends last never drops another's work.
 */
export function outboxAfter(current: readonly OutboxItem[], attempted: readonly OutboxItem[], failed: readonly OutboxItem[], owedSince: (item: OutboxItem) => boolean): OutboxItem[] {
  return current.filter((item) => !attempted.includes(item) || failed.includes(item) || owedSince(item))
}

async function deliverOutboxItem(env: Env, store: RunStore, item: OutboxItem, run: RunRow, seq: number): Promise<void> {
  switch (item) {
    case 'enqueue': {
      const delaySeconds = Math.max(0, Math.ceil((run.queued_ms - Date.now()) / 1000))
      await env.RUN_QUEUE.send({ run_id: run.spec.run_id } satisfies RunMessage, delaySeconds > 0 ? { delaySeconds } : undefined)
      return
    }
    case 'd1':
      await syncD1(env, store, run, seq, null)
      return
    case 'thread':
      await mirrorThreadAlone(env, await syncThread(env, store, run))
      return
    case 'webhook':
      await queueRunWebhook(env, run)
      return
    case 'notify':
      await notifyOrgWebhooks(env, run)
      return
  }
}

/**
 * The run's one D1 write per state change (its schedule's last status and its thread's row in the same
 * round trip), versioned by `seq`, the run's last event when `run` was read: a later state has a higher one.
 */
async function syncD1(env: Env, store: RunStore, run: RunRow, seq: number, thread: ThreadMirror | null): Promise<void> {
  await syncRun(createDb(env.DB), toSnapshot(run, seq), run.spec.schedule_id, thread)
  store.countD1Write()
}

/** The thread hears every status change of its run (a success brings the turn's messages) and answers with its row's state. */
async function syncThread(env: Env, store: RunStore, run: RunRow): Promise<ThreadMirror | null> {
  if (!run.spec.thread_id) return null
  const cp = store.checkpoint()
  return threadStub(env, run.spec.thread_id).runChanged({
    run_id: run.spec.run_id,
    status: run.status,
    output: run.output,
    messages: run.status === 'success' ? (cp?.messages ?? []) : [],
  })
}

async function mirrorThreadAlone(env: Env, thread: ThreadMirror | null): Promise<void> {
  if (thread) await mirrorThread(createDb(env.DB), thread)
}

/** Org webhooks: only orgs with an endpoint get a queue message (a read, not a write, per run end). */
async function notifyOrgWebhooks(env: Env, run: RunRow): Promise<void> {
  const event = eventOf(run.status)
  if (!event) return
  // Whether the org has an endpoint was read by the run's creation statement; trusted for a few seconds
  // (an endpoint created in those seconds misses this run's events), then read again.
  const hooks = freshContext(run.spec)?.org_hooks ?? (await hasEnabledEndpoint(createDb(env.DB), run.spec.org_id))
  if (hooks) await env.WEBHOOK_QUEUE.send({ kind: 'event', org_id: run.spec.org_id, run_id: run.spec.run_id, event } satisfies WebhookMessage)
}

/**
 * The run's own webhook (ACP): a message on the webhook queue, whose consumer POSTs it with
 * backoff. The object never waits on a third party (D1 is written first: same outbox pass).
 */
async function queueRunWebhook(env: Env, run: RunRow): Promise<void> {
  if (!run.spec.webhook) return
  await env.WEBHOOK_QUEUE.send({ kind: 'run', run_id: run.spec.run_id, url: run.spec.webhook } satisfies WebhookMessage)
}
