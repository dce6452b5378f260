import type { ErrorMapper } from './dialect'

/**
 * ACP's ErrorResponse is a bare JSON string. Validation failures name each field in it:
 * `"Request validation failed: body.agent_id: Required; …"`.
 */
export const acpErrors: ErrorMapper = (err, c) => {
  const fields = err.issues.map((i) => `${i.loc.join('.')}: ${i.msg}`).join('; ')
  const message = fields ? `${err.message}: ${fields}` : err.code === 'internal' ? `${err.message} (request ${c.get('requestId')})` : err.message
  return c.json(message, err.status)
}
