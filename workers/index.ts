import { createApp } from './app'
import type { Env } from './env'

export { RunObject } from '../durable-objects/run'
export { ThreadObject } from '../durable-objects/thread'

const app = createApp()

export default {
  fetch: app.fetch,
  async queue(batch: MessageBatch<unknown>, _env: Env, _ctx: ExecutionContext): Promise<void> {
    for (const message of batch.messages) message.retry()
  },
  async scheduled(_controller: ScheduledController, _env: Env, _ctx: ExecutionContext): Promise<void> {},
} satisfies ExportedHandler<Env>
