import { createExecutionContext, createScheduledController, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import worker from '../../workers/index'

/** Runs the worker's `* * * * *` tick as if it fired at `at` (SELF.scheduled cannot: DataCloneError). */
export async function tickAt(at: Date | string): Promise<void> {
  const ctx = createExecutionContext()
  await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: '* * * * *' }), env, ctx)
  await waitOnExecutionContext(ctx)
}
