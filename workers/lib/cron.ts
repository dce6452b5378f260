import { Cron } from 'croner'

/** Why a 5-field cron expression is refused, or undefined when croner accepts it. */
export function cronProblem(expr: string): string | undefined {
  if (expr.trim().split(/\s+/).length !== 5) return 'cron must have 5 fields: minute hour day-of-month month day-of-week'
  try {
    new Cron(expr, { paused: true })
    return undefined
  } catch (err) {
    return `invalid cron expression: ${err instanceof Error ? err.message : String(err)}`
  }
}

/** Whether Intl knows this IANA time zone (e.g. Europe/Berlin). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

/** The first slot strictly after `after`, as ISO UTC; DST gaps and repeats are croner's rules. */
export function nextSlot(expr: string, timezone: string, after: Date): string | null {
  const next = new Cron(expr, { timezone, paused: true }).nextRun(after)
  return next ? next.toISOString() : null
}
