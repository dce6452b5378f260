export interface SseEvent {
  id: number
  event: string
  data: any
}

/** Parses SSE frames from a response until the stream closes (or `stopWhen` says so). */
export async function readSse(res: Response, stopWhen?: (e: SseEvent, all: SseEvent[]) => boolean): Promise<{ events: SseEvent[]; comments: string[] }> {
  if (!res.body) throw new Error('no body')
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const events: SseEvent[] = []
  const comments: string[] = []
  let buffer = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buffer += value
    let end: number
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const frame = buffer.slice(0, end)
      buffer = buffer.slice(end + 2)
      const fields: Record<string, string> = {}
      for (const line of frame.split('\n')) {
        if (line.startsWith(':')) comments.push(line.slice(1).trim())
        else {
          const i = line.indexOf(':')
          if (i > 0) fields[line.slice(0, i)] = line.slice(i + 1).trimStart()
        }
      }
      if (fields.event) {
        const e = { id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data ?? 'null') }
        events.push(e)
        if (stopWhen?.(e, events)) {
          await reader.cancel()
          return { events, comments }
        }
      }
    }
  }
  return { events, comments }
}
