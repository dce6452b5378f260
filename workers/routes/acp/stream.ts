import type { EventTransform, SseFrame } from '../../runs/sse'
import type { RunStatus } from '../../runs/types'
import { ACP_STATUS, runOutput } from './result'

export type StreamMode = 'values' | 'custom'

const CUSTOM_EVENTS = new Set(['message_delta', 'message', 'tool_call', 'tool_result', 'artifact', 'usage'])

export interface AcpMessage {
  role: string
  content: string
}

/** Where a reconnect resumes: after frame `index` of the event `seq` (`7` is frame 0 of seq 7, `7.1` frame 1). */
export interface ResumePoint {
  seq: number
  index: number
}

/** Last-Event-ID as ACP frames number it; anything else starts from the beginning. */
export function resumePointOf(raw: string | undefined): ResumePoint | null {
  const m = raw === undefined ? null : /^(\d{1,15})(?:\.(\d{1,3}))?$/.exec(raw.trim())
  return m ? { seq: Number(m[1]), index: Number(m[2] ?? 0) } : null
}

/** The messages `values` frames carry, from the run's logged events (message and tool_result). */
export const messageOf = (type: string, d: Record<string, unknown>): AcpMessage | null =>
  type === 'message' ? { role: 'assistant', content: String(d.content ?? '') } : type === 'tool_result' ? { role: 'tool', content: String(d.result ?? '') } : null

/**
 * The ACP view of a run's events (`RunOutputStream` frames): `values` updates carry the run's
 * messages so far, `custom` updates carry each engine event, an interrupt becomes an interrupt
 * update (and ends the stream: the run is paused until resumed), a failed end an error update.
 * Every frame has its own increasing id — the event's seq, then `seq.1`, `seq.2` for further frames
 * of the same event — so a reconnect resumes at the exact frame. A reconnect replays from the event
 * it stopped in, skipping frames already sent, with `messages` seeded from the run's earlier events,
 * so its values frames carry the full state.
 */
export const acpFrames =
  (runId: string, modes: StreamMode[], resume: { from: ResumePoint; messages: AcpMessage[] } | null = null): EventTransform =>
  () => {
    const messages: AcpMessage[] = [...(resume?.messages ?? [])]
    let status: RunStatus = 'pending'
    return (e): SseFrame[] => {
      const d = e.data
      const out: SseFrame[] = []
      const frame = (data: Record<string, unknown>): SseFrame => ({ id: out.length === 0 ? e.seq : `${e.seq}.${out.length}`, event: 'agent_event', data })
      if (e.type === 'status') status = d.status as RunStatus
      if (modes.includes('custom') && CUSTOM_EVENTS.has(e.type)) {
        out.push(frame({ type: 'custom', run_id: runId, status: ACP_STATUS[status], update: { event: e.type, ...d } }))
      }
      const message = messageOf(e.type, d)
      if (message) {
        messages.push(message)
        if (modes.includes('values')) out.push(frame({ type: 'values', run_id: runId, status: ACP_STATUS[status], values: { messages: [...messages] }, messages: [...messages] }))
      }
      if (e.type === 'interrupt') {
        out.push({ ...frame({ type: 'interrupt', run_id: runId, status: 'interrupted', interrupt: { interrupt_type: 'question', ...d } }), last: true })
      }
      if (e.type === 'done') {
        const end = d.status as RunStatus
        const error = d.error && typeof d.error === 'object' && !Array.isArray(d.error) ? { code: String(d.error.code), message: String(d.error.message) } : null
        const output = runOutput({ run_id: runId, status: end, output: typeof d.output === 'string' ? d.output : null, error, interrupt: null })
        if (output.type === 'error') out.push(frame({ ...output, status: ACP_STATUS[end] }))
        else if (modes.includes('values')) out.push(frame({ type: 'values', run_id: runId, status: 'success', values: output.values, messages: [...messages] }))
      }
      // Frames of the event a reconnect resumes in that the client already has.
      if (resume && e.seq === resume.from.seq) return out.filter((_, i) => i > resume.from.index)
      return out
    }
  }
