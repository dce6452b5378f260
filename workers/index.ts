import { createApp } from './app'
import type { Env } from './env'
import { CRON_JOBS } from './cron'
import { consumeRuns } from './queue'
import { consumeWebhooks } from './webhooks/consumer'

export { RateLimiterObject } from '../durable-objects/rate-limiter'
export { RunObject } from './run-object'
export { ThreadObject } from '../durable-objects/thread'

const app = createApp()

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    if (batch.queue.startsWith('webhook-deliveries')) await consumeWebhooks(batch, env)
    else await consumeRuns(batch, env)
  },
  async scheduled(controller: ScheduledController, env: Env, _ctx: ExecutionContext): Promise<void> {
    const job = CRON_JOBS[controller.cron]
    if (!job) {
      console.error(`no job for cron "${controller.cron}"`)
      return
    }
    await job(env, new Date(controller.scheduledTime))
  },
} satisfies ExportedHandler<Env>
