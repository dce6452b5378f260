import type { Env } from '../workers/env'
import { guardedFetch, OutboundRefused } from '../workers/lib/net-guard'
import { runResultPayload } from '../workers/runs/result'
import { threadStub } from '../workers/runs/stubs'
import { eventOf, type WebhookMessage } from '../workers/webhooks/messages'
import type { OutboxItem, RunRow, RunStore } from './run-store'
import { toSnapshot } from './run-snapshot'

/** The agent-runs queue message. */
export interface RunMessage {
  run_id: string
}

const WEBHOOK_ATTEMPTS = 8

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
      await deliverRunWebhook(env, store, run)
      return
    case 'notify':
      await notifyOrgWebhooks(env, run)
      return
  }
}

/** The run's one D1 write per state change (and its schedule's last status, same round trip). */
async function syncD1(env: Env, run: RunRow): Promise<void> {
  const s = toSnapshot(run, 0)
  const id = run.spec.run_id
  const update = env.DB.prepare(
    `UPDATE runs SET status = ?, output = ?, error_code = ?, error_message = ?, started_at = ?, ended_at = ?,
       time_to_first_token_ms = ?, prompt_tokens = ?, completion_tokens = ?, total_tokens = ?,
       cost_prompt = ?, cost_completion = ?, cost_services = ?, cost_total = ?, currency = ? WHERE id = ?`,
  ).bind(s.status, s.output, s.error?.code ?? null, s.error?.message ?? null, s.started_at, s.ended_at, s.time_to_first_token_ms,
    s.usage.prompt_tokens, s.usage.completion_tokens, s.usage.total_tokens,
    s.costs.prompt, s.costs.completion, s.costs.services, s.costs.total, s.costs.currency, id)
  const schedule = run.spec.schedule_id
    ? [env.DB.prepare('UPDATE schedules SET last_status = ? WHERE id = ? AND last_run_id = ?').bind(s.status, run.spec.schedule_id, id)]
    : []
  await env.DB.batch([update, ...schedule])
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
  const any = await env.DB.prepare('SELECT 1 FROM webhook_endpoints WHERE org_id = ? AND enabled = 1 LIMIT 1').bind(run.spec.org_id).first()
  if (any) await env.WEBHOOK_QUEUE.send({ kind: 'event', org_id: run.spec.org_id, run_id: run.spec.run_id, event } satisfies WebhookMessage)
}

/** The run's own webhook (ACP): at most WEBHOOK_ATTEMPTS tries, one per outbox retry; a 2xx ends it. */
async function deliverRunWebhook(env: Env, store: RunStore, run: RunRow): Promise<void> {
  const url = run.spec.webhook
  if (!url || run.webhook_attempts >= WEBHOOK_ATTEMPTS) return
  store.update({ webhook_attempts: run.webhook_attempts + 1 })
  const body = JSON.stringify(runResultPayload(toSnapshot(run, store.lastSeq()), run.spec))
  let res: Response
  try {
    // Redirects are not followed: a 3xx is a failed attempt (a webhook target may not steer the body elsewhere).
    const headers = { 'content-type': 'application/json', 'user-agent': 'agentplane-webhook/1' }
    res = await guardedFetch(env, url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) }, { maxRedirects: 0 })
  } catch (err) {
    if (!(err instanceof OutboundRefused)) throw err
    // The reason names the host: request data, so it stays out of the log.
    console.error(`run ${run.spec.run_id}: webhook target refused by the outbound policy`)
    return
  }
  await res.body?.cancel()
  if (!res.ok && run.webhook_attempts + 1 < WEBHOOK_ATTEMPTS) throw new Error(`webhook answered ${res.status}`)
}
