import { z } from 'zod'
import { guardedFetch, OutboundRefused } from '../../lib/net-guard'
import { defineTool, ToolError } from './types'

const MAX_BYTES = 2 * 1024 * 1024
const TIMEOUT_MS = 15_000
const MAX_REDIRECTS = 5

/** Readable text of an HTML page: no scripts, styles or tags; entities decoded; whitespace folded. */
export function readableText(html: string): string {
  return html
    .replace(/<(script|style|noscript|svg|head)\b[\s\S]*?<\/\1>/gi, ' ')
    .replace(/<(br|p|div|li|h[1-6]|tr)\b[^>]*>/gi, '\n')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim()
}

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return ''
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > MAX_BYTES) {
      await reader.cancel()
      break
    }
    chunks.push(value)
  }
  const all = new Uint8Array(Math.min(size, MAX_BYTES))
  let at = 0
  for (const c of chunks) {
    all.set(c.subarray(0, all.length - at), at)
    at += c.byteLength
  }
  return new TextDecoder().decode(all)
}

export const webFetch = defineTool({
  name: 'web_fetch',
  input: z.object({ url: z.string().max(4096), max_chars: z.number().int().min(100).max(200_000).default(20_000) }),
  run: async (args, ctx) => {
    const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(TIMEOUT_MS)])
    let res: Response
    try {
      res = await guardedFetch(
        ctx.env,
        args.url,
        { signal, headers: { 'user-agent': 'agentplane-web-fetch/1', accept: 'text/html,application/json,text/plain;q=0.9,*/*;q=0.5' } },
        { maxRedirects: MAX_REDIRECTS },
      )
    } catch (err) {
      if (err instanceof OutboundRefused) throw new ToolError(`refused ${args.url}: ${err.message}`)
      throw err
    }
    const type = res.headers.get('content-type') ?? ''
    const raw = await readCapped(res)
    const text = type.includes('html') ? readableText(raw) : raw
    return {
      kind: 'result',
      result: JSON.stringify({ status: res.status, url: res.url || args.url, content_type: type, text: text.slice(0, args.max_chars), truncated: text.length > args.max_chars }),
    }
  },
})
