import type { CatalogEntry } from './catalog'
import { type ToolContext, ToolError, type ToolOutcome } from './types'

const errorResult = (error: string, extra: Record<string, unknown> = {}): ToolOutcome => ({ kind: 'result', result: JSON.stringify({ error, ...extra }) })

class ToolTimeout extends Error {
  override readonly name = 'ToolTimeout'
}

/**
 * Shapes the arguments by the descriptor (nulls of strip_null_fields dropped, require_fields
 * checked), validates them with the executor's schema, and runs it within timeout_ms. A bad call,
 * a ToolError or a timeout becomes a result the model sees; the run goes on.
 */
export async function invokeTool(entry: CatalogEntry, rawArguments: string, ctx: ToolContext): Promise<ToolOutcome> {
  const tool = entry.executor
  if (!tool) return errorResult(`${entry.name} is not implemented in this deployment`)
  let raw: unknown
  try {
    raw = JSON.parse(rawArguments || '{}')
  } catch {
    return errorResult('arguments are not valid JSON')
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return errorResult('arguments must be a JSON object')
  const shaped: Record<string, unknown> = { ...raw }
  const { require_fields, strip_null_fields } = entry.descriptor.schema_overrides
  for (const field of strip_null_fields) if (shaped[field] === null) delete shaped[field]
  const missing = require_fields.filter((f) => shaped[f] === undefined || shaped[f] === null)
  if (missing.length) return errorResult('invalid arguments', { issues: missing.map((f) => ({ path: [f], message: 'required' })) })
  const args = tool.input.safeParse(shaped)
  if (!args.success) return errorResult('invalid arguments', { issues: args.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) })

  const timeoutMs = entry.descriptor.timeout_ms
  const deadline = new AbortController()
  const signal = timeoutMs > 0 ? AbortSignal.any([ctx.signal, deadline.signal]) : ctx.signal
  let timer: ReturnType<typeof setTimeout> | undefined
  const expired = new Promise<never>((_, reject) => {
    if (timeoutMs > 0) {
      timer = setTimeout(() => {
        const err = new ToolTimeout(`${entry.name} timed out after ${timeoutMs} ms`)
        deadline.abort(err)
        reject(err)
      }, timeoutMs)
    }
  })
  try {
    return await Promise.race([tool.run(args.data, { ...ctx, signal }), expired])
  } catch (err) {
    if (ctx.signal.aborted) throw err
    if (err instanceof ToolTimeout || deadline.signal.aborted) return errorResult(`${entry.name} timed out after ${timeoutMs} ms`)
    if (err instanceof ToolError) return errorResult(err.message)
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'TypeError')) return errorResult(`${entry.name} failed: ${err.message}`)
    // An executor fault must not crash the run into redelivery loops: the model hears of it, the
    // log gets the error's name only (a message may carry arguments or query values).
    console.error(`tool ${entry.name} failed: ${err instanceof Error ? err.name : typeof err}`)
    return errorResult(`${entry.name} failed with an internal error`)
  } finally {
    if (timer !== undefined) clearTimeout(timer)
  }
}

/** What the model reads: the result tagged with the descriptor's synthesis.prefix. */
export const tagResult = (entry: CatalogEntry | undefined, result: string): string => (entry ? `${entry.descriptor.synthesis.prefix} ${result}` : result)
