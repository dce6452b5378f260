import { createDb } from '../workers/db/client'
import { syncRun } from '../workers/db/runs'
import { hasEnabledEndpoint } from '../workers/db/webhooks'
import type { Env } from '../workers/env'
import { threadStub } from '../workers/runs/stubs'
import { eventOf, type RunMessage, type WebhookMessage } from '../workers/runs/messages'
import { freshContext } from '../workers/runs/types'
import type { OutboxItem, RunRow, RunStore } from './run-store'
import { toSnapshot } from './run-snapshot'

/**
 * Carries one owed side effect of a run's state change to the outside world. Throws on failure:
 * the item stays in the RunObject's outbox and its alarm tries again.
 */
export async function deliverOutboxItem(env: Env, store: RunStore, item: OutboxItem, run: RunRow): Promise<void> {
  switch (item) {
    case 'enqueue': {
      const delaySeconds = Math.max(0, Math.ceil((run.queued_ms - Date.now()) / 1000))
      await env.RUN_QUEUE.send({ run_id: run.spec.run_id } satisfies RunMessage, delaySeconds > 0 ? { delaySeconds } : undefined)
      return
    }
    case 'd1':
      await syncD1(env, run)
      store.countD1Write()
      return
    case 'thread':
      await syncThread(env, store, run)
      return
    case 'webhook':
      await queueRunWebhook(env, run)
      return
    case 'notify':
      await notifyOrgWebhooks(env, run)
      return
  }
}

/** The run's one D1 write per state change (and its schedule's last status, same round trip). */
async function syncD1(env: Env, run: RunRow): Promise<void> {
  await syncRun(createDb(env.DB), toSnapshot(run, 0), run.spec.schedule_id)
}

/** The thread hears every status change of its run; a success brings the turn's messages. */
async function syncThread(env: Env, store: RunStore, run: RunRow): Promise<void> {
  if (!run.spec.thread_id) return
  const cp = store.checkpoint()
  await threadStub(env, run.spec.thread_id).runChanged({
    run_id: run.spec.run_id,
    status: run.status,
    output: run.output,
    messages: run.status === 'success' ? (cp?.messages ?? []) : [],
  })
}

/** Org webhooks: only orgs with an endpoint get a queue message (a read, not a write, per run end). */
async function notifyOrgWebhooks(env: Env, run: RunRow): Promise<void> {
  const event = eventOf(run.status)
  if (!event) return
  // Whether the org has an endpoint was read in the run's creation batch; trusted for a few seconds
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
