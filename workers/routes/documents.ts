import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as docs from '../db/documents'
import { deleteDocument, documentContent, uploadDocument } from '../runtime/documents'
import { errorResponses, jsonBody, jsonContent, OrgParamsSchema } from '../schemas/common'
import { CreateDocumentSchema, DocumentListQuerySchema, DocumentListSchema, DocumentParamsSchema, DocumentSchema, DocumentSearchQuerySchema, PassageListSchema, toDocument } from '../schemas/documents'

const tags = ['Documents']

export const createDocumentRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/documents',
  tags,
  summary: 'Upload a knowledge-base document (bytes to R2, metadata to D1, text to full-text search)',
  request: { params: OrgParamsSchema, body: jsonBody(CreateDocumentSchema) },
  responses: { 201: jsonContent(DocumentSchema, 'The document'), ...errorResponses },
})

export const listDocumentsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/documents',
  tags,
  summary: "The org's documents, newest first, filtered by name and content type",
  request: { params: OrgParamsSchema, query: DocumentListQuerySchema },
  responses: { 200: jsonContent(DocumentListSchema, 'A page of documents'), ...errorResponses },
})

export const searchDocumentsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/documents/search',
  tags,
  summary: 'Full-text search (FTS5, BM25) over the text of every document',
  request: { params: OrgParamsSchema, query: DocumentSearchQuerySchema },
  responses: { 200: jsonContent(PassageListSchema, 'Best passages first'), ...errorResponses },
})

export const getDocumentRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/documents/{document_id}',
  tags,
  summary: 'One document',
  request: { params: DocumentParamsSchema },
  responses: { 200: jsonContent(DocumentSchema, 'The document'), ...errorResponses },
})

export const getDocumentContentRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/documents/{document_id}/content',
  tags,
  summary: 'The stored bytes, with their content type',
  request: { params: DocumentParamsSchema },
  responses: { 200: { description: 'The bytes' }, ...errorResponses },
})

export const deleteDocumentRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/documents/{document_id}',
  tags,
  summary: 'Delete a document, its bytes, passages and attachments',
  request: { params: DocumentParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
})

export const documentRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createDocumentRoute, async (c) => {
    const body = c.req.valid('json')
    const bytes = body.text !== undefined ? new TextEncoder().encode(body.text) : Uint8Array.from(atob(body.content_base64 ?? ''), (ch) => ch.charCodeAt(0))
    const contentType = body.content_type ?? (body.text !== undefined ? 'text/plain' : 'application/octet-stream')
    const row = await uploadDocument(c.env, c.var.db, c.var.orgId, c.var.principal.userId, { name: body.name, contentType, bytes })
    return c.json(toDocument(row), 201)
  })
  .openapi(listDocumentsRoute, async (c) => {
    const { limit, offset, name, content_type } = c.req.valid('query')
    const page = await docs.listDocuments(c.var.db, c.var.orgId, { name, contentType: content_type }, limit, offset)
    return c.json({ items: page.items.map(toDocument), total: page.total, limit, offset }, 200)
  })
  .openapi(searchDocumentsRoute, async (c) => {
    const { q, limit } = c.req.valid('query')
    return c.json({ items: await docs.searchPassages(c.var.db, c.var.orgId, q, null, limit) }, 200)
  })
  .openapi(getDocumentRoute, async (c) => c.json(toDocument(await docs.getDocument(c.var.db, c.var.orgId, c.req.valid('param').document_id)), 200))
  .openapi(getDocumentContentRoute, async (c) => {
    const { row, body } = await documentContent(c.env, c.var.db, c.var.orgId, c.req.valid('param').document_id)
    return c.body(body, 200, { 'content-type': row.contentType, 'content-length': String(row.size) })
  })
  .openapi(deleteDocumentRoute, async (c) => {
    await deleteDocument(c.env, c.var.db, c.var.orgId, c.req.valid('param').document_id)
    return c.body(null, 204)
  })
