import { and, eq } from 'drizzle-orm'
import { createDb } from '../db/client'
import { runs, webhookDeliveries, webhookEndpoints } from '../db/schema'
import type { Env } from '../env'
import { errorForLog } from '../lib/log'
import { decryptSecret } from '../lib/crypto'
import { guardedFetch, OutboundRefused, outboundRefusal } from '../lib/net-guard'
import { costsOfRow, usageOfRow } from '../schemas/runs'
import { runResultPayload } from '../routes/acp/result'
import { signature } from './sign'
import { type WebhookMessage, WebhookMessageSchema } from '../runs/messages'

/** Tries per delivery; retries back off 1, 2, 4 … seconds, at most 10 minutes apart. */
export const MAX_ATTEMPTS = 8
const backoffSeconds = (attempt: number) => Math.min(2 ** (attempt - 1), 600)

export const endpointSecretContext = (orgId: number, endpointId: string) => `webhook:${orgId}:${endpointId}`

/**
 * `webhook-deliveries` consumer. An `event` message fans out into one delivery row and one
 * `deliver` message per subscribed endpoint (the unique index makes a redelivered event a no-op);
 * a `deliver` message POSTs once, records the attempt, and retries with backoff until a 2xx.
 */
export async function consumeWebhooks(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  for (const message of batch.messages) {
    const parsed = WebhookMessageSchema.safeParse(message.body)
    if (!parsed.success) {
      message.ack()
      continue
    }
    try {
      const m = parsed.data
      const retryIn = m.kind === 'event' ? await fanOut(env, m) : m.kind === 'run' ? await deliverRunResult(env, m, message.attempts) : await deliver(env, m.delivery_id)
      if (retryIn === undefined) message.ack()
      else message.retry({ delaySeconds: retryIn })
    } catch (err) {
      console.error(`webhook-deliveries: ${errorForLog(err)}`)
      message.retry({ delaySeconds: backoffSeconds(message.attempts) })
    }
  }
}

async function fanOut(env: Env, m: Extract<WebhookMessage, { kind: 'event' }>): Promise<undefined> {
  const db = createDb(env.DB)
  const [endpoints, run] = await Promise.all([
    db
      .select()
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, m.org_id), eq(webhookEndpoints.enabled, true))),
    db.select().from(runs).where(eq(runs.id, m.run_id)).get(),
  ])
  const targets = endpoints.filter((e) => e.eventTypes.includes(m.event))
  if (!run || targets.length === 0) return undefined
  const payload = JSON.stringify({
    type: m.event,
    created_at: new Date().toISOString(),
    data: {
      run_id: run.id,
      number: run.number,
      org_id: run.orgId,
      agent_id: run.agentId,
      thread_id: run.threadId,
      channel: run.channel,
      status: run.status,
      output: run.output,
      error: run.errorCode ? { code: run.errorCode, message: run.errorMessage } : null,
      usage: usageOfRow(run),
      costs: costsOfRow(run),
    },
  })
  const created = await db
    .insert(webhookDeliveries)
    .values(targets.map((e) => ({ id: crypto.randomUUID(), endpointId: e.id, orgId: m.org_id, eventType: m.event, runId: run.id, payload })))
    .onConflictDoNothing()
    .returning({ id: webhookDeliveries.id })
  if (created.length) await env.WEBHOOK_QUEUE.sendBatch(created.map((d) => ({ body: { kind: 'deliver', delivery_id: d.id } satisfies WebhookMessage })))
  return undefined
}

/** One attempt; returns seconds until the next one, or undefined when done (delivered or given up). */
async function deliver(env: Env, deliveryId: string): Promise<number | undefined> {
  const db = createDb(env.DB)
  const row = await db
    .select({ d: webhookDeliveries, e: webhookEndpoints })
    .from(webhookDeliveries)
    .innerJoin(webhookEndpoints, eq(webhookEndpoints.id, webhookDeliveries.endpointId))
    .where(eq(webhookDeliveries.id, deliveryId))
    .get()
  if (row?.d.status !== 'pending') return undefined
  const attempt = row.d.attempts + 1
  let code: number | null = null
  let error: string | null = null
  const refused = outboundRefusal(env, row.e.url)
  if (refused) error = `refused: ${refused}`
  else {
    try {
      const secret = await decryptSecret(env.ENCRYPTION_KEY ?? '', row.e.secretCiphertext, endpointSecretContext(row.e.orgId, row.e.id))
      const at = Math.floor(Date.now() / 1000)
      // Signed deliveries never follow a redirect: a 3xx counts as a failed attempt.
      const res = await guardedFetch(
        env,
        row.e.url,
        {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'agentplane-webhooks/1',
            'x-agentplane-event': row.d.eventType,
            'x-agentplane-delivery': row.d.id,
            'x-agentplane-signature': await signature(secret, row.d.payload, at),
          },
          body: row.d.payload,
          signal: AbortSignal.timeout(10_000),
        },
        { maxRedirects: 0 },
      )
      code = res.status
      await res.body?.cancel()
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
    }
  }
  const ok = code !== null && code >= 200 && code < 300
  const final = ok || refused !== undefined || attempt >= MAX_ATTEMPTS
  await db
    .update(webhookDeliveries)
    .set({ attempts: attempt, lastStatusCode: code, lastError: error, status: ok ? 'delivered' : final ? 'failed' : 'pending', deliveredAt: ok ? new Date().toISOString() : null })
    .where(eq(webhookDeliveries.id, deliveryId))
  return final ? undefined : backoffSeconds(attempt)
}

/**
 * A finished run's ACP callback: one POST per delivery of this message, backoff by the queue's
 * attempt count, at most MAX_ATTEMPTS. Unsigned: ACP gives the callback no secret to sign with.
 */
async function deliverRunResult(env: Env, m: Extract<WebhookMessage, { kind: 'run' }>, attempt: number): Promise<number | undefined> {
  const run = await createDb(env.DB).select().from(runs).where(eq(runs.id, m.run_id)).get()
  if (!run) return undefined
  let res: Response
  try {
    // Redirects are not followed: a 3xx is a failed attempt (a webhook target may not steer the body elsewhere).
    const headers = { 'content-type': 'application/json', 'user-agent': 'agentplane-webhook/1' }
    res = await guardedFetch(env, m.url, { method: 'POST', headers, body: JSON.stringify(runResultPayload(run)), signal: AbortSignal.timeout(10_000) }, { maxRedirects: 0 })
  } catch (err) {
    if (!(err instanceof OutboundRefused)) throw err
    // The reason names the host: request data, so it stays out of the log.
    console.error(`run ${m.run_id}: webhook target refused by the outbound policy`)
    return undefined
  }
  await res.body?.cancel()
  return res.ok || attempt >= MAX_ATTEMPTS ? undefined : backoffSeconds(attempt)
}
