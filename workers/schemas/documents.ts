import { z } from '@hono/zod-openapi'
import type { DocumentRow } from '../db/documents'
import { IdSchema, OrgParamsSchema, pageOf, PaginationQuerySchema } from './common'

const ContentTypeSchema = z
  .string()
  .regex(/^[\w.+-]+\/[\w.+-]+(;\s*charset=[\w-]+)?$/, 'content_type must be a media type like text/plain')
  .max(100)

export const CreateDocumentSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).openapi({ example: 'price-list-2026.md' }),
    content_type: ContentTypeSchema.optional().openapi({ description: 'Default text/plain with `text`, application/octet-stream with `content_base64`', example: 'text/markdown' }),
    text: z.string().min(1).optional().openapi({ description: 'The content as text (UTF-8)' }),
    content_base64: z.base64().min(1).optional().openapi({ description: 'The content as base64 bytes' }),
  })
  .refine((b) => (b.text === undefined) !== (b.content_base64 === undefined), { message: 'give exactly one of text or content_base64', path: ['text'] })
  .openapi('CreateDocumentRequest')
export type CreateDocument = z.infer<typeof CreateDocumentSchema>

export const DocumentSchema = z
  .object({
    id: z.string(),
    org_id: z.number().int(),
    name: z.string(),
    content_type: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    searchable: z.boolean().openapi({ description: 'Its text is indexed for full-text search' }),
    passages: z.number().int(),
    created_by: z.number().int().nullable(),
    created_at: z.string(),
  })
  .openapi('Document')

export const DocumentListSchema = pageOf(DocumentSchema, 'DocumentList')

export const DocumentListQuerySchema = PaginationQuerySchema.extend({
  name: z.string().max(200).optional().openapi({ description: 'Substring of the name, case-insensitive' }),
  content_type: z.string().max(100).optional().openapi({ description: 'Exact type, or a prefix ending in "/" (text/)' }),
})

export const DocumentSearchQuerySchema = z.object({
  q: z.string().trim().min(1).max(500).openapi({ example: 'delivery terms' }),
  limit: z.coerce.number().int().min(1).max(20).default(10),
})

export const PassageSchema = z.object({ document_id: z.string(), name: z.string(), chunk: z.number().int(), passage: z.string(), score: z.number() }).openapi('Passage')
export const PassageListSchema = z.object({ items: z.array(PassageSchema) }).openapi('PassageList')

export const DocumentParamsSchema = OrgParamsSchema.extend({ document_id: IdSchema.openapi({ param: { name: 'document_id', in: 'path' } }) })

export const toDocument = (d: DocumentRow) => ({
  id: d.id,
  org_id: d.orgId,
  name: d.name,
  content_type: d.contentType,
  size: d.size,
  sha256: d.sha256,
  searchable: d.chunks > 0,
  passages: d.chunks,
  created_by: d.createdBy,
  created_at: d.createdAt,
})
