import type { RunSnapshot, RunSpec } from './types'

/** ACP's run status vocabulary: no `running` or `cancelled` there. */
export const ACP_STATUS = {
  pending: 'pending',
  running: 'pending',
  interrupted: 'interrupted',
  success: 'success',
  error: 'error',
  cancelled: 'error',
  timeout: 'timeout',
} as const

/** HTTP-like codes for ACP RunError.errcode. */
const ERRCODE: Record<string, number> = { timeout: 504, cancelled: 499, abandoned: 503, budget_exceeded: 402, rate_limited: 429 }

/** ACP RunOutput: result, interrupt or error, from a run's snapshot. */
export function runOutput(s: RunSnapshot) {
  if (s.status === 'interrupted' && s.interrupt) {
    return { type: 'interrupt' as const, interrupt: { interrupt_type: 'question', question: s.interrupt.question, fields: s.interrupt.fields, tool_call_id: s.interrupt.tool_call_id } }
  }
  if (s.status === 'error' || s.status === 'timeout' || s.status === 'cancelled') {
    const code = s.error?.code ?? s.status
    return { type: 'error' as const, run_id: s.run_id, errcode: ERRCODE[code] ?? 500, description: s.error?.message ?? s.status }
  }
  return { type: 'result' as const, values: { output: s.output }, messages: s.output === null ? [] : [{ role: 'assistant', content: s.output }] }
}

/** What a run webhook POSTs when the run ends. */
export function runResultPayload(s: RunSnapshot, spec: RunSpec) {
  return {
    run_id: s.run_id,
    thread_id: s.thread_id,
    agent_id: spec.agent_id,
    status: ACP_STATUS[s.status],
    created_at: s.created_at,
    updated_at: s.ended_at ?? s.created_at,
    output: runOutput(s),
    usage: s.usage,
    costs: s.costs,
  }
}
