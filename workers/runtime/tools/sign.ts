import { z } from 'zod'
import { executeOperation } from '../connectors/execute'
import { defineTool, describe, ToolError } from './types'

const FileSchema = z
  .object({
    file_name: z.string().min(1).max(255),
    content_base64: z.string().max(4_000_000).optional(),
    message_id: z.string().max(64).optional(),
    entity_id: z.string().max(64).optional(),
  })
  .refine((f) => (f.content_base64 !== undefined) !== (f.message_id !== undefined && f.entity_id !== undefined), 'give either content_base64 or message_id with entity_id')

export const signDocument = defineTool({
  name: 'sign_document',
  description: describe({
    purpose: 'Sign documents with a qualified e-signature (КЭП) through Diadoc, using a cloud (DSS) certificate kept by Kontur; returns the signing task id.',
    when: 'the user asks to sign a document in Diadoc (an act, an invoice received in the box, a file you prepared).',
    whenNot: 'SBIS: use connector_execute sbis action.prepare / action.execute with a server-side certificate; a plain approval without signature: use the service operation directly.',
    constraints:
      'needs a granted diadoc account with the write scope and a DSS certificate of the user; a certificate on a token or in a local CryptoPro CSP cannot be used here (a Worker cannot host CryptoPro) — such signing stays in the Diadoc web or desktop client; up to 20 files, 3 MB each.',
    result: 'task_id: read the signatures with connector_execute diadoc dss.result {boxId, taskId} until OperationStatus is Completed; the user may have to confirm in the Kontur app.',
  }),
  input: z.object({
    provider: z.enum(['diadoc', 'sbis']).default('diadoc'),
    account: z.string().max(200).optional(),
    box_id: z.string().min(1).max(64),
    files: z.array(FileSchema).min(1).max(20),
    certificate_thumbprint: z
      .string()
      .regex(/^[0-9A-Fa-f]{40}$/, 'certificate_thumbprint is 40 hex digits')
      .optional(),
  }),
  metadata: { display_name: 'Подписание документа КЭП', category: 'external', result_type: 'action', timeout_ms: 45_000, is_mutating: true, is_idempotent: false, is_query_tool: false },
  run: async (args, ctx) => {
    if (args.provider === 'sbis') {
      throw new ToolError(
        "SBIS signs in two steps that need the document's stage and a server-side certificate: use connector_execute sbis action.prepare, then action.execute (describe_service sbis)",
      )
    }
    const Files = args.files.map((f) => ({
      FileName: f.file_name,
      Content: f.content_base64 !== undefined ? { Content: f.content_base64 } : { EntityId: { MessageId: f.message_id, EntityId: f.entity_id } },
    }))
    const result = await executeOperation(ctx, {
      service: 'diadoc',
      operation: 'dss.sign',
      account: args.account,
      params: { boxId: args.box_id, Files, ...(args.certificate_thumbprint ? { certificateThumbprint: args.certificate_thumbprint } : {}) },
      max_chars: 4000,
    })
    const body = result.body as { TaskId?: unknown } | undefined
    const taskId = typeof body?.TaskId === 'string' ? body.TaskId : null
    return {
      kind: 'result',
      result: JSON.stringify({ ...result, task_id: taskId, next: taskId ? { tool: 'connector_execute', service: 'diadoc', operation: 'dss.result', params: { boxId: args.box_id, taskId } } : null }),
    }
  },
})
