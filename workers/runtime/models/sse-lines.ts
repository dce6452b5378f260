/** Yields the `data:` payloads of an SSE byte stream, one per event (multi-line data joined). */
export async function* sseData(body: ReadableStream<Uint8Array>): AsyncIterable<string> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader()
  let buffer = ''
  let data: string[] = []
  try {
    for (;;) {
      const { value, done } = await reader.read()
      if (done) break
      buffer += value
      for (let nl = buffer.search(/\r?\n/); nl >= 0; nl = buffer.search(/\r?\n/)) {
        const line = buffer.slice(0, nl)
        buffer = buffer.slice(buffer[nl] === '\r' ? nl + 2 : nl + 1)
        if (line === '') {
          if (data.length) yield data.join('\n')
          data = []
        } else if (line.startsWith('data:')) {
          data.push(line.slice(line[5] === ' ' ? 6 : 5))
        }
      }
    }
    if (data.length) yield data.join('\n')
  } finally {
    reader.releaseLock()
  }
}
