import { and, desc, eq, inArray, like, sql } from 'drizzle-orm'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { Db } from '../app-env'
import { ApiError } from '../errors'
import { paged } from './paged'
import { documentAttachments, documents } from './schema'

/**
 * The FTS5 table (migration 0008_fts, written by hand): declared here for typed inserts and deletes,
 * outside schema.ts so drizzle-kit does not try to create it as a plain table.
 */
const documentsFts = sqliteTable('documents_fts', {
  body: text('body').notNull(),
  documentId: text('document_id').notNull(),
  orgId: integer('org_id').notNull(),
  chunk: integer('chunk').notNull(),
})

export type DocumentRow = typeof documents.$inferSelect
export type NewDocument = typeof documents.$inferInsert

/** Passage size for retrieval: about a page of text; a passage never splits a word. */
const CHUNK_CHARS = 1500
/** Terms of a search query that reach FTS5 (the rest is ignored). */
const MAX_TERMS = 20

/** Splits text into passages of at most CHUNK_CHARS, breaking at paragraph, line or word ends. */
export function chunkText(text: string): string[] {
  const chunks: string[] = []
  let rest = text.replace(/\r\n/g, '\n').trim()
  while (rest.length > CHUNK_CHARS) {
    const window = rest.slice(0, CHUNK_CHARS)
    const cut = Math.max(window.lastIndexOf('\n\n'), window.lastIndexOf('\n'), window.lastIndexOf(' '))
    const at = cut > CHUNK_CHARS / 2 ? cut : CHUNK_CHARS
    chunks.push(rest.slice(0, at).trim())
    rest = rest.slice(at).trim()
  }
  if (rest) chunks.push(rest)
  return chunks
}

/** D1 binds at most 100 parameters per statement; a passage row takes 4. */
const FTS_ROWS_PER_INSERT = 25
const groups = <T>(xs: T[], n: number): T[][] => Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n))

/** The document row and its passages in one D1 batch. */
export async function insertDocument(db: Db, row: NewDocument, passages: string[]): Promise<DocumentRow> {
  const [[inserted]] = await db.batch([
    db
      .insert(documents)
      .values({ ...row, chunks: passages.length })
      .returning(),
    ...groups(
      passages.map((body, chunk) => ({ body, documentId: row.id, orgId: row.orgId, chunk })),
      FTS_ROWS_PER_INSERT,
    ).map((rows) => db.insert(documentsFts).values(rows)),
  ])
  if (!inserted) throw new Error('document insert returned no row')
  return inserted
}

export interface DocumentFilter {
  /** Substring of the name, case-insensitive. */
  name?: string
  /** Exact type, or a prefix ending in "/" (text/). */
  contentType?: string
}

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (m) => `\\${m}`)

export function listDocuments(db: Db, orgId: number, filter: DocumentFilter, limit: number, offset: number) {
  const where = and(
    eq(documents.orgId, orgId),
    filter.name ? sql`${documents.name} LIKE ${`%${escapeLike(filter.name)}%`} ESCAPE '\\'` : undefined,
    filter.contentType ? (filter.contentType.endsWith('/') ? like(documents.contentType, `${escapeLike(filter.contentType)}%`) : eq(documents.contentType, filter.contentType)) : undefined,
  )
  return paged(db, documents, where, [desc(documents.createdAt), desc(documents.id)], limit, offset)
}

export async function getDocument(db: Db, orgId: number, id: string): Promise<DocumentRow> {
  const row = await db
    .select()
    .from(documents)
    .where(and(eq(documents.orgId, orgId), eq(documents.id, id)))
    .get()
  if (!row) throw ApiError.notFound('Document')
  return row
}

/** Documents of the org among `ids` (unknown or foreign ids are simply absent). */
export function documentsByIds(db: Db, orgId: number, ids: string[]): Promise<DocumentRow[]> {
  if (ids.length === 0) return Promise.resolve([])
  return db
    .select()
    .from(documents)
    .where(and(eq(documents.orgId, orgId), inArray(documents.id, ids)))
}

/** Deletes the row, its passages and attachments; returns the R2 key to delete. */
export async function deleteDocument(db: Db, orgId: number, id: string): Promise<string> {
  const row = await getDocument(db, orgId, id)
  await db.batch([
    db.delete(documentsFts).where(eq(documentsFts.documentId, id)),
    db.delete(documentAttachments).where(eq(documentAttachments.documentId, id)),
    db.delete(documents).where(eq(documents.id, id)),
  ])
  return row.r2Key
}

export async function attachDocuments(db: Db, scope: string, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db
    .insert(documentAttachments)
    .values(ids.map((documentId) => ({ scope, documentId })))
    .onConflictDoNothing()
}

export async function attachedIds(db: Db, scope: string): Promise<string[]> {
  const rows = await db.select({ id: documentAttachments.documentId }).from(documentAttachments).where(eq(documentAttachments.scope, scope))
  return rows.map((r) => r.id)
}

/** An FTS5 MATCH expression: each word quoted (no operator injection), any word may match. */
export function matchExpression(query: string): string | undefined {
  const terms = (query.match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS)
  return terms.length ? terms.map((t) => `"${t}"`).join(' OR ') : undefined
}

export interface Passage {
  document_id: string
  name: string
  chunk: number
  passage: string
  score: number
}

/** The best passages for `query` by BM25, within the org and, when given, within `documentIds`. */
export async function searchPassages(db: Db, orgId: number, query: string, documentIds: string[] | null, limit: number): Promise<Passage[]> {
  const match = matchExpression(query)
  if (!match || documentIds?.length === 0) return []
  const within = documentIds
    ? sql`AND documents_fts.document_id IN (${sql.join(
        documentIds.map((id) => sql`${id}`),
        sql`, `,
      )})`
    : sql``
  return db.all<Passage>(sql`
    SELECT documents_fts.document_id AS document_id, documents.name AS name, documents_fts.chunk AS chunk,
      snippet(documents_fts, 0, '«', '»', '…', 48) AS passage, bm25(documents_fts) AS score
    FROM documents_fts JOIN documents ON documents.id = documents_fts.document_id
    WHERE documents_fts MATCH ${match} AND documents_fts.org_id = ${orgId} ${within}
    ORDER BY score LIMIT ${limit}`)
}
