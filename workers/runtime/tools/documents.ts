import { z } from 'zod'
import { createDb } from '../../db/client'
import * as docs from '../../db/documents'
import { ApiError } from '../../errors'
import { toDocument } from '../../schemas/documents'
import { extractText, filesBucket } from '../documents'
import { defineTool, type ToolContext, ToolError } from './types'

const result = (value: unknown) => ({ kind: 'result' as const, result: JSON.stringify(value) })
/** Attachments live as long as the task: its thread (a conversation), or the run alone. */
const scopeOf = (ctx: ToolContext) => ctx.spec.thread_id ?? ctx.spec.run_id
const READ_CHARS = 20_000

export const documentsTool = defineTool({
  name: 'documents',
  input: z.object({
    action: z.enum(['list', 'attach', 'search', 'read']),
    name: z.string().max(200).optional(),
    content_type: z.string().max(100).optional(),
    ids: z.array(z.string().max(64)).min(1).max(10).optional(),
    id: z.string().max(64).optional(),
    query: z.string().min(1).max(500).optional(),
    limit: z.number().int().min(1).max(50).default(20),
  }),
  run: async (args, ctx) => {
    const db = createDb(ctx.env.DB)
    const orgId = ctx.spec.org_id
    if (args.action === 'list') {
      const page = await docs.listDocuments(db, orgId, { name: args.name, contentType: args.content_type }, args.limit, 0)
      const attached = new Set(await docs.attachedIds(db, scopeOf(ctx)))
      return result({ total: page.total, items: page.items.map((d) => ({ ...toDocument(d), attached: attached.has(d.id) })) })
    }
    if (args.action === 'attach') {
      if (!args.ids) throw new ToolError('attach needs ids (from list)')
      const found = await docs.documentsByIds(db, orgId, args.ids)
      const missing = args.ids.filter((id) => !found.some((d) => d.id === id))
      if (missing.length) throw new ToolError(`no documents ${missing.join(', ')}`)
      await docs.attachDocuments(db, scopeOf(ctx), args.ids)
      return result({ attached: found.map((d) => ({ id: d.id, name: d.name, searchable: d.chunks > 0 })) })
    }
    if (args.action === 'search') {
      if (!args.query) throw new ToolError('search needs query')
      const attached = await docs.attachedIds(db, scopeOf(ctx))
      const passages = await docs.searchPassages(db, orgId, args.query, attached.length ? attached : null, Math.min(args.limit, 20))
      return result({ within: attached.length ? 'attached' : 'all', passages })
    }
    if (!args.id) throw new ToolError('read needs id')
    let row: docs.DocumentRow
    try {
      row = await docs.getDocument(db, orgId, args.id)
    } catch (err) {
      if (err instanceof ApiError) throw new ToolError(`no document ${args.id}`)
      throw err
    }
    const object = await filesBucket(ctx.env).get(row.r2Key)
    if (!object) throw new ToolError(`the bytes of ${args.id} are gone`)
    const text = extractText(row.contentType, new Uint8Array(await object.arrayBuffer()))
    if (!text) throw new ToolError(`${row.name} (${row.contentType}) has no extractable text`)
    return result({ id: row.id, name: row.name, text: text.slice(0, READ_CHARS), truncated: text.length > READ_CHARS })
  },
})
