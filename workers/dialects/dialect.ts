import { OpenAPIHono } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { HTTPException } from 'hono/http-exception'
import type { ZodError } from 'zod'
import type { AppEnv } from '../app-env'
import { ApiError, type Issue } from '../errors'
import { logUnhandled } from '../lib/log'
import { badInput } from './input-text'

/** Turns an ApiError into this dialect's status and body. */
export type ErrorMapper = (err: ApiError, c: Context<AppEnv>) => Response

export const MAX_BODY_BYTES = 1024 * 1024

/** zod-openapi validation targets, named the way FastAPI names `loc[0]`. */
const LOC: Record<string, string> = { json: 'body', form: 'body', query: 'query', param: 'path', header: 'header', cookie: 'cookie' }

/** zod issues → field issues; unknown keys become one issue per key so the path names the field. */
export function zodIssues(error: ZodError, root: string): Issue[] {
  return error.issues.flatMap((i): Issue[] => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol')
    if (i.code === 'unrecognized_keys') {
      return i.keys.map((k) => ({ loc: [root, ...path, k], msg: 'Extra inputs are not permitted', type: 'extra_forbidden' }))
    }
    return [{ loc: [root, ...path], msg: i.message, type: i.code }]
  })
}

/** Hono's own HTTP errors (bad JSON, wrong content type, body limit) in our vocabulary. */
function fromHttpException(err: HTTPException): ApiError {
  if (err.status === 400) return ApiError.invalid(['body'], err.message || 'Malformed JSON in request body', 'json_invalid')
  if (err.status === 413) return new ApiError('payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`)
  if (err.status === 415) return new ApiError('unsupported_media_type', 'Content-Type must be application/json')
  if (err.status === 401) return new ApiError('unauthenticated', err.message || 'Unauthenticated')
  return new ApiError('bad_request', err.message || 'Bad request')
}

/**
 * A dialect app: every route mounted on it answers validation failures, thrown ApiErrors,
 * Hono HTTP errors and oversized bodies in that dialect's body shape (unknown paths: app.ts).
 * Hono reads a sub-app's onError when it is mounted, so routes go on after this returns.
 */
export function createDialect(mapBody: ErrorMapper): OpenAPIHono<AppEnv> {
  const mapError: ErrorMapper = (err, c) => {
    const res = mapBody(err, c)
    if (err.retryAfter !== undefined) res.headers.set('retry-after', String(err.retryAfter))
    return res
  }
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      const root = LOC[result.target] ?? result.target
      if (!result.success) return mapError(new ApiError('invalid', 'Request validation failed', zodIssues(result.error, root)), c)
      // Every string a route reads passes here: one check for NUL, lone surrogates and depth, in every dialect.
      const bad = badInput(result.data, root)
      if (bad) return mapError(new ApiError('invalid', bad.msg, [bad]), c)
    },
  })
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => mapError(new ApiError('payload_too_large', `Request body exceeds ${MAX_BODY_BYTES} bytes`), c),
    }),
  )
  app.onError((err, c) => {
    if (err instanceof ApiError) return mapError(err, c)
    if (err instanceof HTTPException) return mapError(fromHttpException(err), c)
    // Unknown faults: logged once with the request id; the message never carries request data.
    logUnhandled(c, err)
    return mapError(new ApiError('internal', 'Internal server error'), c)
  })
  return app
}
