import type { EventTransform, SseFrame } from '../../runs/sse'
import type { RunStatus } from '../../runs/types'
import { ACP_STATUS, runOutput } from './result'

export type StreamMode = 'values' | 'custom'

const CUSTOM_EVENTS = new Set(['message_delta', 'message', 'tool_call', 'tool_result', 'artifact', 'usage'])

/**
 * The ACP view of a run's events (`RunOutputStream` frames): `values` updates carry the run's
 * messages so far, `custom` updates carry each engine event, an interrupt becomes an interrupt
 * update, a failed end an error update. `id:` stays the engine's seq, so Last-Event-ID resumes
 * through the same log.
 */
export const acpFrames =
  (runId: string, modes: StreamMode[]): EventTransform =>
  () => {
    const messages: { role: string; content: string }[] = []
    let status: RunStatus = 'pending'
    return (e): SseFrame[] => {
      const d = e.data
      const frame = (data: Record<string, unknown>): SseFrame => ({ id: e.seq, event: 'agent_event', data })
      const out: SseFrame[] = []
      if (e.type === 'status') status = d.status as RunStatus
      if (modes.includes('custom') && CUSTOM_EVENTS.has(e.type)) {
        out.push(frame({ type: 'custom', run_id: runId, status: ACP_STATUS[status], update: { event: e.type, ...d } }))
      }
      if (e.type === 'message' || e.type === 'tool_result') {
        messages.push(e.type === 'message' ? { role: 'assistant', content: String(d.content ?? '') } : { role: 'tool', content: String(d.result ?? '') })
        if (modes.includes('values')) out.push(frame({ type: 'values', run_id: runId, status: ACP_STATUS[status], values: { messages }, messages }))
      }
      if (e.type === 'interrupt') {
        out.push(frame({ type: 'interrupt', run_id: runId, status: 'interrupted', interrupt: { interrupt_type: 'question', ...d } }))
      }
      if (e.type === 'done') {
        const end = d.status as RunStatus
        const error = d.error && typeof d.error === 'object' && !Array.isArray(d.error) ? { code: String(d.error.code), message: String(d.error.message) } : null
        const output = runOutput({ run_id: runId, status: end, output: typeof d.output === 'string' ? d.output : null, error, interrupt: null })
        if (output.type === 'error') out.push(frame({ ...output, status: ACP_STATUS[end] }))
        else if (modes.includes('values')) out.push(frame({ type: 'values', run_id: runId, status: 'success', values: output.values, messages }))
      }
      return out
    }
  }
