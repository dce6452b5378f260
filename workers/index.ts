import { createApp } from './app'
import type { Env } from './env'
import { consumeRuns } from './queue'

export { RateLimiterObject } from '../durable-objects/rate-limiter'
export { RunObject } from '../durable-objects/run'
export { ThreadObject } from '../durable-objects/thread'

const app = createApp()

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<unknown>, env: Env, _ctx: ExecutionContext): Promise<void> {
    await consumeRuns(batch, env)
  },
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {},
} satisfies ExportedHandler<Env>
