import { costOf } from '../workers/runs/cost'
import type { JsonObject, RunSnapshot } from '../workers/runs/types'
import type { RunRow } from './run-store'

/** Token counts out of a `usage` event's data (anything missing or odd counts as 0). */
export function usageOf(data: JsonObject) {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0)
  const prompt = n(data.prompt_tokens)
  const completion = n(data.completion_tokens)
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion }
}

/** The public view of a run: what wait(), snapshot() and the D1 row show. */
export function toSnapshot(run: RunRow, lastSeq: number): RunSnapshot {
  return {
    run_id: run.spec.run_id,
    status: run.status,
    output: run.output,
    error: run.error,
    interrupt: run.interrupt,
    usage: run.usage,
    costs: costOf(run.spec.prices, run.usage),
    time_to_first_token_ms: run.ttft_ms,
    created_at: run.created_at,
    started_at: run.started_at,
    ended_at: run.ended_at,
    last_seq: lastSeq,
    thread_id: run.spec.thread_id,
  }
}
