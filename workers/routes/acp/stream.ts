import { ACP_STATUS, runOutput } from '../../runs/result'
import type { RunSnapshot, RunStatus } from '../../runs/types'

type Mode = 'values' | 'custom'
interface Frame {
  id: string
  event: string
  data: Record<string, unknown>
}

const encoder = new TextEncoder()
const frame = (id: string, data: unknown) => encoder.encode(`id: ${id}\nevent: agent_event\ndata: ${JSON.stringify(data)}\n\n`)

/**
 * Turns the engine's SSE (one event per step of the run) into ACP `RunOutputStream` frames:
 * `values` updates carry the run's messages so far, `custom` updates carry each engine event,
 * an interrupt becomes an interrupt update, a failed end an error update. `id:` stays the engine's
 * seq, so Last-Event-ID resumes through the same log. `onCancel` runs when the client goes away.
 */
export function acpStream(source: ReadableStream<Uint8Array>, runId: string, modes: Mode[], onCancel?: () => Promise<unknown>): ReadableStream<Uint8Array> {
  const reader = source.pipeThrough(new TextDecoderStream()).getReader()
  const messages: { role: string; content: string }[] = []
  let status: RunStatus = 'pending'
  let buffer = ''
  const translate = (f: Frame): Uint8Array[] => {
    const out: Uint8Array[] = []
    const d = f.data
    if (f.event === 'status') status = d.status as RunStatus
    if (modes.includes('custom') && ['message_delta', 'message', 'tool_call', 'tool_result', 'artifact', 'usage'].includes(f.event)) {
      out.push(frame(f.id, { type: 'custom', run_id: runId, status: ACP_STATUS[status], update: { event: f.event, ...d } }))
    }
    if (f.event === 'message' || f.event === 'tool_result') {
      messages.push(f.event === 'message' ? { role: 'assistant', content: String(d.content ?? '') } : { role: 'tool', content: String(d.result ?? '') })
      if (modes.includes('values')) out.push(frame(f.id, { type: 'values', run_id: runId, status: ACP_STATUS[status], values: { messages }, messages }))
    }
    if (f.event === 'interrupt') {
      out.push(frame(f.id, { type: 'interrupt', run_id: runId, status: 'interrupted', interrupt: { interrupt_type: 'question', ...d } }))
    }
    if (f.event === 'done') {
      const snap = { run_id: runId, status: d.status, output: d.output ?? null, error: d.error ?? null, interrupt: null } as RunSnapshot
      const output = runOutput(snap)
      if (output.type === 'error') out.push(frame(f.id, { ...output, status: ACP_STATUS[snap.status] }))
      else if (modes.includes('values')) out.push(frame(f.id, { type: 'values', run_id: runId, status: 'success', values: output.values, messages }))
    }
    return out
  }
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      for (;;) {
        const end = buffer.indexOf('\n\n')
        if (end >= 0) {
          const raw = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          if (raw.startsWith(':')) {
            controller.enqueue(encoder.encode(`${raw}\n\n`))
            return
          }
          const fields = Object.fromEntries(raw.split('\n').map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 1).trimStart()]))
          if (fields.retry) controller.enqueue(encoder.encode(`retry: ${fields.retry}\n\n`))
          if (!fields.event || !fields.data) continue
          const chunks = translate({ id: fields.id ?? '', event: fields.event, data: JSON.parse(fields.data) as Record<string, unknown> })
          if (chunks.length === 0) continue
          for (const c of chunks) controller.enqueue(c)
          return
        }
        const { value, done } = await reader.read()
        if (done) {
          controller.close()
          return
        }
        buffer += value
      }
    },
    async cancel() {
      await reader.cancel()
      await onCancel?.()
    },
  })
}
