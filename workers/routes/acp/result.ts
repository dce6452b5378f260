import type { RunRow } from '../../db/runs'
import { costsOfRow, usageOfRow } from '../../schemas/runs'
import type { RunSnapshot, RunStatus } from '../../runs/types'

/** ACP's run status vocabulary: no `running` or `cancelled` there. */
export const ACP_STATUS = {
  pending: 'pending',
  running: 'pending',
  interrupted: 'interrupted',
  success: 'success',
  error: 'error',
  cancelled: 'error',
  timeout: 'timeout',
} as const satisfies Record<RunStatus, string>
export type AcpStatus = (typeof ACP_STATUS)[RunStatus]

/** Our statuses behind one ACP status (search filters), derived from ACP_STATUS, not kept by hand. */
export const ourStatuses = (acp: string): RunStatus[] => (Object.keys(ACP_STATUS) as RunStatus[]).filter((s) => ACP_STATUS[s] === acp)

/** HTTP-like codes for ACP RunError.errcode. */
const ERRCODE: Record<string, number> = { timeout: 504, cancelled: 499, abandoned: 503, budget_exceeded: 402, rate_limited: 429 }

/** What a run's output depends on: a snapshot, a `done` event or a D1 row all have it. */
export type RunEnd = Pick<RunSnapshot, 'run_id' | 'status' | 'output' | 'error' | 'interrupt'>

/** ACP RunOutput: result, interrupt or error. */
export function runOutput(s: RunEnd) {
  if (s.status === 'interrupted' && s.interrupt) {
    return { type: 'interrupt' as const, interrupt: { interrupt_type: 'question', question: s.interrupt.question, fields: s.interrupt.fields, tool_call_id: s.interrupt.tool_call_id } }
  }
  if (s.status === 'error' || s.status === 'timeout' || s.status === 'cancelled') {
    const code = s.error?.code ?? s.status
    return { type: 'error' as const, run_id: s.run_id, errcode: ERRCODE[code] ?? 500, description: s.error?.message ?? s.status }
  }
  return { type: 'result' as const, values: { output: s.output }, messages: s.output === null ? [] : [{ role: 'assistant', content: s.output }] }
}

/** What a run's ACP `webhook` is POSTed when the run ends, from its D1 row. */
export function runResultPayload(r: RunRow) {
  const status = r.status as RunStatus
  return {
    run_id: r.id,
    thread_id: r.threadId,
    agent_id: r.agentId,
    status: ACP_STATUS[status],
    created_at: r.createdAt,
    updated_at: r.endedAt ?? r.createdAt,
    output: runOutput({ run_id: r.id, status, output: r.output, error: r.errorCode ? { code: r.errorCode, message: r.errorMessage ?? r.errorCode } : null, interrupt: null }),
    usage: usageOfRow(r),
    costs: costsOfRow(r),
  }
}
