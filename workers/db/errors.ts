/** D1 reports constraint failures only in the message (drizzle wraps it as `cause`). */
export function isUniqueViolation(err: unknown): boolean {
  for (let e: unknown = err; e instanceof Error; e = e.cause) {
    if (e.message.includes('UNIQUE constraint failed') || e.message.includes('PRIMARY KEY')) return true
  }
  return false
}
