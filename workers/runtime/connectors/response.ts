/** Upstream bodies are read up to this size; the rest is dropped before anything is decoded. */
export const MAX_RESPONSE_BYTES = 1024 * 1024

/** Reads at most MAX_RESPONSE_BYTES of a body; says whether more was cut off. */
export async function readCapped(res: Response): Promise<{ text: string; capped: boolean }> {
  if (!res.body) return { text: '', capped: false }
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  let capped = false
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    const room = MAX_RESPONSE_BYTES - size
    if (value.byteLength > room) {
      chunks.push(value.subarray(0, room))
      size += room
      capped = true
      await reader.cancel()
      break
    }
    chunks.push(value)
    size += value.byteLength
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.byteLength
  }
  return { text: new TextDecoder().decode(all), capped }
}

/** Seconds to wait from a 429: Retry-After (seconds or HTTP date), else Telegram's parameters.retry_after. */
export function retryAfterSeconds(res: Response, text: string): number | undefined {
  const header = res.headers.get('retry-after')
  if (header) {
    const n = Number(header)
    if (Number.isFinite(n) && n >= 0) return Math.ceil(n)
    const at = Date.parse(header)
    if (!Number.isNaN(at)) return Math.max(0, Math.ceil((at - Date.now()) / 1000))
  }
  try {
    const body = JSON.parse(text) as { parameters?: { retry_after?: unknown } }
    const n = body.parameters?.retry_after
    if (typeof n === 'number') return n
  } catch {
    // not JSON
  }
  return undefined
}

/** The body for the model: parsed JSON when whole, else the first maxChars with a pagination hint. */
export function cutForModel(text: string, capped: boolean, maxChars: number, pagination: string | undefined): Record<string, unknown> {
  if (!capped && text.length <= maxChars) {
    try {
      return { body: text ? JSON.parse(text) : null }
    } catch {
      return { body: text }
    }
  }
  const hint = pagination ? `response cut at ${maxChars} characters; fetch less per call: ${pagination}` : `response cut at ${maxChars} characters; narrow the request`
  return { body_text: text.slice(0, maxChars), truncated: true, hint }
}
