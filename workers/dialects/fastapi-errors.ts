import type { ErrorMapper } from './dialect'

/**
 * The /v1 dialects (Agents API and Codegen) answer the way their FastAPI origins do:
 * 422 → `{"detail": [{loc, msg, type}]}`, anything else → `{"detail": "message", "code": …}`.
 */
export const fastapiErrors: ErrorMapper = (err, c) => {
  if (err.code === 'invalid') return c.json({ detail: err.issues }, 422)
  const body: { detail: string; code: string; request_id?: string } = { detail: err.message, code: err.code }
  if (err.code === 'internal') body.request_id = c.get('requestId')
  return c.json(body, err.status)
}
