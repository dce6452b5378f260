import { z } from '@hono/zod-openapi'

export const MAX_PAGE_SIZE = 100

export const PaginationQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).openapi({ example: 20 }),
  offset: z.coerce.number().int().min(0).max(1_000_000_000).default(0).openapi({ example: 0 }),
})

/** Every list answers the same envelope. */
export const pageOf = <T extends z.ZodType>(item: T, name: string) => z.object({ items: z.array(item), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }).openapi(name)

/** FastAPI-style paging (Codegen): `skip`/`limit` in, `{items, total, page, size, pages}` out. */
export const SkipLimitQuerySchema = z.object({
  skip: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(MAX_PAGE_SIZE),
})

export const fastapiPageOf = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), size: z.number().int(), pages: z.number().int() }).openapi(name)

export const fastapiPage = <T>(items: T[], total: number, skip: number, limit: number) => ({
  items,
  total,
  page: Math.floor(skip / limit) + 1,
  size: limit,
  pages: Math.ceil(total / limit),
})

export const OrgParamsSchema = z.object({
  org_id: z.coerce
    .number()
    .int()
    .positive()
    .openapi({ param: { name: 'org_id', in: 'path' }, example: 1 }),
})

/** Ids we mint are UUIDs; anything else simply does not exist (404, not 422). */
export const IdSchema = z.string().min(1).max(64)

const FieldIssueSchema = z.object({
  loc: z.array(z.union([z.string(), z.number()])),
  msg: z.string(),
  type: z.string(),
})

export const ValidationErrorSchema = z.object({ detail: z.array(FieldIssueSchema) }).openapi('HTTPValidationError')
export const ErrorSchema = z.object({ detail: z.string(), message: z.string(), status_code: z.number().int(), code: z.string(), request_id: z.string().optional() }).openapi('Error')

const json = <T extends z.ZodType>(schema: T, description: string) => ({
  content: { 'application/json': { schema } },
  description,
})

/** Responses every authenticated /v1 route may give, for the OpenAPI document. */
export const errorResponses = {
  401: json(ErrorSchema, 'Missing or invalid API key'),
  403: json(ErrorSchema, 'Not a member of the organization'),
  404: json(ErrorSchema, 'Not found (or belongs to another organization)'),
  422: json(ValidationErrorSchema, 'Validation error'),
} as const

export { json as jsonContent }

/** Every mutation of an org's system agent. */
export const systemAgent400 = { 400: json(ErrorSchema, 'The system agent is read-only') } as const

/** A JSON request body that must be present (zod-openapi otherwise validates a missing body as {}). */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
})
