import type { ErrorMapper } from './dialect'

/**
 * The /v1 dialects (Agents API and Codegen) share one path space and answer like their FastAPI
 * origins: 422 → `{"detail": [{loc, msg, type}]}`. Other errors carry both FastAPI's `detail` and
 * the Codegen spec's `{message, status_code}` (its 403/404/429 bodies), so either client reads them.
 */
export const fastapiErrors: ErrorMapper = (err, c) => {
  if (err.code === 'invalid') return c.json({ detail: err.issues }, 422)
  const body: { detail: string; message: string; status_code: number; code: string; request_id?: string } = {
    detail: err.message,
    message: err.message,
    status_code: err.status,
    code: err.code,
  }
  if (err.code === 'internal') body.request_id = c.get('requestId')
  return c.json(body, err.status)
}
