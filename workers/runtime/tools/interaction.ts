import { and, eq } from 'drizzle-orm'
import { z } from 'zod'
import { createDb } from '../../db/client'
import { documentsByIds } from '../../db/documents'
import { credentials } from '../../db/schema'
import type { JsonObject } from '../../runs/types'
import { getConnector } from '../connectors'
import { defineTool, ToolError } from './types'

const FieldSchema = z.object({
  name: z.string().min(1).max(64),
  label: z.string().max(200).optional(),
  type: z.enum(['text', 'number', 'boolean', 'select']).default('text'),
  options: z.array(z.string().max(200)).max(50).optional(),
})

/** The interrupt field that marks an integration-connect pause; creating a credential of `service` resumes it. */
export const CONNECT_FIELD_TYPE = 'integration_connect'

export const requestForm = defineTool({
  name: 'request_form',
  input: z.object({
    question: z.string().min(1).max(2000),
    fields: z.array(FieldSchema).max(20).optional(),
    /** A connector key (GET /v1/connectors): ask the user to connect that service. */
    connect: z.string().max(64).optional(),
  }),
  run: async (args, ctx) => {
    if (args.connect === undefined) return { kind: 'interrupt', question: args.question, fields: (args.fields ?? []) as JsonObject[] }
    const connector = getConnector(args.connect)
    if (!connector) throw new ToolError(`unknown connector "${args.connect}"; see GET /v1/connectors`)
    const [existing] = await createDb(ctx.env.DB)
      .select({ id: credentials.id })
      .from(credentials)
      .where(and(eq(credentials.orgId, ctx.spec.org_id), eq(credentials.serviceName, connector.service)))
      .limit(1)
    if (existing) return { kind: 'result', result: `connected: ${connector.service} (credential ${existing.id} already exists)` }
    const field: JsonObject = { name: 'connect', type: CONNECT_FIELD_TYPE, connector: connector.key, service: connector.service, label: connector.title }
    return { kind: 'interrupt', question: args.question, fields: [field], connect: connector.service }
  },
})

export const exitTool = defineTool({
  name: 'exit',
  input: z.object({ answer: z.string().min(1).max(100_000), files: z.array(z.string().min(1).max(500)).max(50).optional() }),
  run: async (args, ctx) => {
    // Files are delivered as an artifact next to the answer (the run's output stays the text);
    // a file that is one of the org's documents comes with its name and download path.
    if (args.files?.length) {
      const docs = new Map((await documentsByIds(createDb(ctx.env.DB), ctx.spec.org_id, args.files)).map((d) => [d.id, d]))
      const files = args.files.map((path): JsonObject => {
        const doc = docs.get(path)
        return doc ? { path, document_id: doc.id, name: doc.name, content_type: doc.contentType, url: `/v1/organizations/${ctx.spec.org_id}/documents/${doc.id}/content` } : { path }
      })
      await ctx.emit('artifact', { type: 'files', files })
    }
    return { kind: 'exit', answer: args.answer, files: args.files ?? [] }
  },
})
