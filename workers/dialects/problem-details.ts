import type { Context } from 'hono'
import type { AppEnv } from '../app-env'
import type { ErrorCode } from '../errors'
import type { ErrorMapper } from './dialect'

/** The cultures seed 004 offers; anything else answers in English. */
export type Culture = 'en' | 'es'
export const cultureOf = <E extends AppEnv>(c: Context<E>): Culture => (c.req.query('culture')?.toLowerCase().startsWith('es') ? 'es' : 'en')

interface Text {
  title: string
  detail: string
}
const TEXT: Partial<Record<ErrorCode, Record<Culture, Text>>> = {
  unauthenticated: {
    en: { title: 'Unauthorized', detail: 'The user is unauthorized or the session expired' },
    es: { title: 'No autorizado', detail: 'El usuario no está autorizado o la sesión ha expirado' },
  },
  forbidden: { en: { title: 'Forbidden', detail: 'The user does not have permission' }, es: { title: 'Prohibido', detail: 'El usuario no tiene permiso' } },
  not_found: { en: { title: 'Not Found', detail: 'The entity was not found' }, es: { title: 'No encontrado', detail: 'No se encontró la entidad' } },
  invalid: {
    en: { title: 'Unprocessable Entity', detail: 'One or more validation errors occurred.' },
    es: { title: 'Errores de validación', detail: 'Se produjeron uno o más errores de validación.' },
  },
  budget_exceeded: {
    en: { title: 'Payment Required', detail: "The organization's monthly budget is spent" },
    es: { title: 'Presupuesto agotado', detail: 'El presupuesto mensual de la organización está agotado' },
  },
  rate_limited: {
    en: { title: 'Too Many Requests', detail: 'Too many requests. Try again later.' },
    es: { title: 'Demasiadas solicitudes', detail: 'Demasiadas solicitudes. Inténtelo de nuevo más tarde.' },
  },
  internal: {
    en: { title: 'Internal Server Error', detail: 'There was an unexpected error' },
    es: { title: 'Error interno del servidor', detail: 'Se produjo un error inesperado' },
  },
}
const FALLBACK: Record<Culture, Text> = {
  en: { title: 'Bad Request', detail: 'The request could not be processed.' },
  es: { title: 'Solicitud incorrecta', detail: 'No se pudo procesar la solicitud.' },
}

/** What seed 004's endpoints can fail to find, said the way a Spanish-speaking user reads it. */
const NOT_FOUND_ES: Record<string, Text> = {
  Agent: { title: 'Agente no encontrado', detail: 'No se encontró el agente con ese código' },
  'Agent version': { title: 'Versión del agente no encontrada', detail: 'El agente no tiene esa versión' },
}

function textOf(err: Parameters<ErrorMapper>[0], culture: Culture): Text {
  if (culture === 'es' && err.code === 'not_found' && err.subject) return NOT_FOUND_ES[err.subject] ?? (TEXT.not_found ?? FALLBACK).es
  return (TEXT[err.code] ?? FALLBACK)[culture]
}

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
  const culture = cultureOf(c)
  const text = textOf(err, culture)
  const errors: Record<string, string[]> = {}
  for (const issue of err.issues) {
    const key = issue.loc.slice(1).join('.') || String(issue.loc[0])
    errors[key] = [...(errors[key] ?? []), issue.msg]
  }
  const body = {
    type: `https://httpstatuses.io/${err.status}`,
    title: text.title,
    status: err.status,
    // English keeps the specific message; Spanish has its own specific texts (a message is English).
    detail: err.code === 'invalid' || err.code === 'internal' || culture === 'es' ? text.detail : err.message,
    traceId: c.get('requestId'),
    ...(err.issues.length ? { errors } : {}),
  }
  return negotiated(c, body, err.status, true)
}
