import { RunObject as EngineRunObject } from '../durable-objects/run'
import type { RunStub } from './runs/stubs'
import { runLoop } from './runtime/loop'

/**
 * The RunObject the worker exports: the engine's object (durable-objects/run.ts) with the agent loop
 * composed in, so a run that is due runs in its own object (as agents do on Cloudflare) instead of
 * waiting for a queue consumer. Durable Objects import nothing from the runtime; here, beside the
 * entry, the two meet.
 */
export class RunObject extends EngineRunObject {
  protected override runHere(runId: string, owner: string): Promise<unknown> {
    // The loop writes through the methods a consumer calls over RPC, called here in place.
    return runLoop(this.env, runId, owner, this as unknown as RunStub)
  }
}
