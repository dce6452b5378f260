import { DrizzleQueryError } from 'drizzle-orm'
import type { Context } from 'hono'

/**
 * An error as it may appear in a log line: its class and, for a failed query, the database's
 * reason. Never a query's parameters (drizzle puts them in the message) nor request data.
 */
export function errorForLog(err: unknown): string {
  if (err instanceof DrizzleQueryError) {
    const cause = err.cause instanceof Error ? `${err.cause.name}: ${err.cause.message}` : 'no cause'
    return `DrizzleQueryError (${cause})`
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`
  return typeof err
}

/**
 * The one log line of an unhandled request error: request id, method, route pattern and error class
 * (plus the stack frames, not the message line). No message: a parser's or a query's may quote the input.
 */
export function logUnhandled(c: Context, err: Error): void {
  const reason = err instanceof DrizzleQueryError ? errorForLog(err) : err.name
  const frames =
    err.stack
      ?.split('\n')
      .filter((l) => /^\s+at /.test(l))
      .join('\n') ?? ''
  console.error(`[${String(c.get('requestId'))}] unhandled ${reason} in ${c.req.method} ${c.req.routePath}\n${frames}`)
}
