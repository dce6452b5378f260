/** The console's only way to the API: the key from sessionStorage in a header, never in a URL. */
const KEY = 'agentplane.key'

export const apiKey = {
  get: () => sessionStorage.getItem(KEY),
  set: (key: string) => sessionStorage.setItem(KEY, key),
  clear: () => sessionStorage.removeItem(KEY),
}

export const SIGNED_OUT = 'agentplane:signed-out'

/** A non-2xx answer; `message` is the API's own text (FastAPI `detail` with the field path). */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function describe(status: number, body: unknown): string {
  if (typeof body === 'object' && body !== null && 'detail' in body) {
    const detail = (body as { detail: unknown }).detail
    if (typeof detail === 'string') return detail
    if (Array.isArray(detail)) {
      return detail.map((d: { loc?: unknown[]; msg?: string }) => `${(d.loc ?? []).slice(1).join('.')}: ${d.msg ?? ''}`).join('; ')
    }
  }
  return `HTTP ${status}`
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const key = apiKey.get()
  const headers: Record<string, string> = { authorization: `Bearer ${key ?? ''}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const res = await fetch(path, { method, headers, body: body === undefined ? null : JSON.stringify(body), signal: signal ?? null })
  const text = await res.text()
  const parsed: unknown = text ? JSON.parse(text) : null
  // A revoked or expired key: back to the sign-in screen (main.tsx listens). Only if it is still the
  // key in use: a late 401 of the old key must not sign out the one just entered.
  if (res.status === 401 && key !== null && apiKey.get() === key) {
    apiKey.clear()
    dispatchEvent(new Event(SIGNED_OUT))
  }
  if (!res.ok) throw new ApiFailure(res.status, describe(res.status, parsed))
  return parsed as T
}

export interface StreamEvent {
  id: number
  type: string
  data: Record<string, unknown>
}

/** Parses SSE blocks from a byte stream; a block without `data:` (keepalive) dispatches nothing. */
async function* frames(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamEvent> {
  const reader = body.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return
    buffer += decoder.decode(value, { stream: true })
    for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
      const block = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields = new Map<string, string>()
      for (const line of block.split('\n')) {
        const i = line.indexOf(':')
        if (i > 0) fields.set(line.slice(0, i), line.slice(i + 1).trimStart())
      }
      const data = fields.get('data')
      if (data !== undefined) yield { id: Number(fields.get('id') ?? 0), type: fields.get('event') ?? 'message', data: JSON.parse(data) }
    }
  }
}

/**
 * Reads a run's SSE until `done`. EventSource cannot send an Authorization header, so this is
 * fetch; after a network drop it reconnects with Last-Event-ID and gets exactly the missed events.
 */
export async function follow(path: string, onEvent: (e: StreamEvent) => void, onDrop: (dropped: boolean) => void, signal: AbortSignal) {
  let last = 0
  for (let attempt = 0; !signal.aborted; attempt++) {
    try {
      const headers: Record<string, string> = { authorization: `Bearer ${apiKey.get() ?? ''}`, accept: 'text/event-stream' }
      if (last > 0) headers['last-event-id'] = String(last)
      const res = await fetch(path, { headers, signal })
      if (!res.ok || !res.body) throw new ApiFailure(res.status, `HTTP ${res.status}`)
      onDrop(false)
      for await (const e of frames(res.body)) {
        last = e.id
        onEvent(e)
        if (e.type === 'done') return
      }
    } catch (err) {
      if (signal.aborted || (err instanceof ApiFailure && err.status < 500)) return
    }
    onDrop(true)
    await new Promise((r) => setTimeout(r, Math.min(5000, 250 * 2 ** attempt)))
  }
}
