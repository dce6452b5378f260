/** Every failure a client can cause, in one vocabulary; each dialect maps it to its own body. */
export const ERROR_STATUS = {
  bad_request: 400,
  unauthenticated: 401,
  budget_exceeded: 402,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  invalid: 422,
  rate_limited: 429,
  internal: 500,
  not_implemented: 501,
} as const

export type ErrorCode = keyof typeof ERROR_STATUS

/** One field-level problem: `loc` is the FastAPI-style path, e.g. ['body', 'connector_keys', 1]. */
export interface Issue {
  loc: (string | number)[]
  msg: string
  type: string
}

export class ApiError extends Error {
  override readonly name = 'ApiError'
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues: Issue[] = [],
    /** Seconds, for 429: every dialect sends it as the Retry-After header. */
    readonly retryAfter?: number,
    /** What was not found ('Agent', 'Agent version'): dialects that translate name it in their language. */
    readonly subject?: string,
  ) {
    super(message)
  }

  get status(): (typeof ERROR_STATUS)[ErrorCode] {
    return ERROR_STATUS[this.code]
  }

  /** A 422 that names one field. */
  static invalid(loc: Issue['loc'], msg: string, type = 'value_error'): ApiError {
    return new ApiError('invalid', msg, [{ loc, msg, type }])
  }

  static rateLimited(retryAfter: number): ApiError {
    return new ApiError('rate_limited', 'Rate limit exceeded. Please try again later.', [], retryAfter)
  }

  static notFound(what: string): ApiError {
    return new ApiError('not_found', `${what} not found`, [], undefined, what)
  }
}
