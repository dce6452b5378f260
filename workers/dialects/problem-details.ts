import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { ErrorCode } from '../errors'
import type { ErrorMapper } from './dialect'

/** The cultures seed 004 offers; anything else answers in English. */
export type Culture = 'en' | 'es'
export const cultureOf = <E extends AppEnv>(c: Context<E>): Culture => (c.req.query('culture')?.toLowerCase().startsWith('es') ? 'es' : 'en')

const TEXT: Partial<Record<ErrorCode, { title: string; en: string; es: string }>> = {
  unauthenticated: { title: 'Unauthorized', en: 'The user is unauthorized or the session expired', es: 'El usuario no está autorizado o la sesión ha expirado' },
  forbidden: { title: 'Forbidden', en: 'The user does not have permission', es: 'El usuario no tiene permiso' },
  not_found: { title: 'Not Found', en: 'The entity was not found', es: 'No se encontró la entidad' },
  invalid: { title: 'Unprocessable Entity', en: 'One or more validation errors occurred.', es: 'Se produjeron uno o más errores de validación.' },
  budget_exceeded: { title: 'Payment Required', en: "The organization's monthly budget is spent", es: 'El presupuesto mensual de la organización está agotado' },
  rate_limited: { title: 'Too Many Requests', en: 'Too many requests. Try again later.', es: 'Demasiadas solicitudes. Inténtelo de nuevo más tarde.' },
  internal: { title: 'Internal Server Error', en: 'There was an unexpected error', es: 'Se produjo un error inesperado' },
}
const FALLBACK = { title: 'Bad Request', en: 'The request could not be processed.', es: 'No se pudo procesar la solicitud.' }

const JSON_TYPES = ['application/json', 'text/json', 'text/plain'] as const

/** Seed 004 answers in text/plain, application/json or text/json, as the client's Accept asks. */
export function negotiated<E extends AppEnv>(c: Context<E>, body: unknown, status: number, problem = false): Response {
  const accept = c.req.header('accept') ?? ''
  const wanted = JSON_TYPES.find((t) => accept.includes(t))
  const type = wanted ?? (problem ? 'application/problem+json' : 'application/json')
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': `${type}; charset=utf-8` } })
}

/**
 * RFC 9457 ProblemDetails, the body ASP.NET clients of seed 004 parse: `title`, `status`, `detail`
 * in the chosen culture, `traceId` = the request id, and `errors` by field for validation.
 */
export const problemDetails: ErrorMapper = (err, c) => {
  const text = TEXT[err.code] ?? FALLBACK
  const culture = cultureOf(c)
  const errors: Record<string, string[]> = {}
  for (const issue of err.issues) {
    const key = issue.loc.slice(1).join('.') || String(issue.loc[0])
    errors[key] = [...(errors[key] ?? []), issue.msg]
  }
  const body = {
    type: `https://httpstatuses.io/${err.status}`,
    title: text.title,
    status: err.status,
    detail: err.code === 'invalid' || err.code === 'internal' || culture === 'es' ? text[culture] : err.message,
    traceId: c.get('requestId'),
    ...(err.issues.length ? { errors } : {}),
  }
  return negotiated(c, body, err.status, true)
}
