import type { Env } from './env'
import { errorForLog } from './lib/log'
import { RunMessageSchema } from './runs/messages'
import { runLoop } from './runtime/loop'
import { LEASE_MS } from './runtime/run-writer'

/**
 * `agent-runs` consumer. Messages run concurrently (a batch holds independent runs). Delivery
 * is at least once: RunObject.claim's lease makes a duplicate a no-op. A crash inside the loop
 * leaves the lease; the retry lands after it expires and resumes from the checkpoint.
 */
export async function consumeRuns(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  await Promise.all(
    batch.messages.map(async (message) => {
      const body = RunMessageSchema.safeParse(message.body)
      if (!body.success) {
        console.error(`agent-runs: dropping malformed message ${message.id}`)
        message.ack()
        return
      }
      const owner = `${message.id}:${message.attempts}:${crypto.randomUUID()}`
      try {
        const outcome = await runLoop(env, body.data.run_id, owner)
        if (outcome.kind === 'retry') message.retry({ delaySeconds: Math.max(1, Math.ceil(outcome.delayMs / 1000)) })
        else message.ack()
      } catch (err) {
        console.error(`agent-runs: run ${body.data.run_id} crashed: ${errorForLog(err)}`)
        message.retry({ delaySeconds: Math.ceil(LEASE_MS / 1000) })
      }
    }),
  )
}
