import type { Db } from '../app-env'
import * as docs from '../db/documents'
import type { Env } from '../env'
import { ApiError } from '../errors'
import { readableText } from './tools/web-fetch'

/** Types whose bytes are UTF-8 text; others are stored and listed but not searchable. */
const TEXT_TYPES = /^(text\/|application\/(json|xml|x-yaml|yaml|csv|x-ndjson|markdown)\b)/

export interface UploadDocument {
  name: string
  contentType: string
  bytes: Uint8Array
}

/** Text to index: decoded UTF-8 for text types (HTML reduced to readable text), else none. */
export function extractText(contentType: string, bytes: Uint8Array): string {
  if (!TEXT_TYPES.test(contentType)) return ''
  const text = new TextDecoder().decode(bytes)
  return contentType.startsWith('text/html') ? readableText(text) : text
}

const hex = (buf: ArrayBuffer) => [...new Uint8Array(buf)].map((b) => b.toString(16).padStart(2, '0')).join('')

export function filesBucket(env: Env): R2Bucket {
  if (!env.FILES) throw new ApiError('not_implemented', 'Documents need the FILES R2 bucket binding (wrangler.toml [[r2_buckets]])')
  return env.FILES
}

/** Bytes to R2, metadata and passages to D1; the object is removed again when D1 refuses the row. */
export async function uploadDocument(env: Env, db: Db, orgId: number, userId: number | null, input: UploadDocument): Promise<docs.DocumentRow> {
  const bucket = filesBucket(env)
  const id = crypto.randomUUID()
  const r2Key = `orgs/${orgId}/documents/${id}`
  const sha256 = hex(await crypto.subtle.digest('SHA-256', input.bytes))
  await bucket.put(r2Key, input.bytes, { httpMetadata: { contentType: input.contentType }, customMetadata: { name: input.name } })
  try {
    return await docs.insertDocument(
      db,
      { id, orgId, name: input.name, contentType: input.contentType, size: input.bytes.byteLength, sha256, r2Key, chunks: 0, createdBy: userId },
      docs.chunkText(extractText(input.contentType, input.bytes)),
    )
  } catch (err) {
    await bucket.delete(r2Key)
    throw err
  }
}

export async function deleteDocument(env: Env, db: Db, orgId: number, id: string): Promise<void> {
  const r2Key = await docs.deleteDocument(db, orgId, id)
  await filesBucket(env).delete(r2Key)
}

/** The stored bytes of a document, or 404 when the row or the object is gone. */
export async function documentContent(env: Env, db: Db, orgId: number, id: string): Promise<{ row: docs.DocumentRow; body: ReadableStream }> {
  const row = await docs.getDocument(db, orgId, id)
  const object = await filesBucket(env).get(row.r2Key)
  if (!object) throw ApiError.notFound('Document content')
  return { row, body: object.body }
}
