import { z } from '@hono/zod-openapi'
import { type Availability, type CatalogEntry, parametersOf } from '../runtime/tools/catalog'
import { CAPABILITIES } from '../runtime/tools/types'

export const ToolSchema = z
  .object({
    name: z.string().openapi({ example: 'web_fetch' }),
    display_name: z.string().openapi({ example: 'Загрузка страницы' }),
    group: z.string().openapi({ example: 'Поиск в интернете' }),
    description: z.string().openapi({ description: 'The five blocks as the model reads them' }),
    blocks: z.object({ purpose: z.string(), when_to_use: z.string(), when_not_to_use: z.string(), key_constraints: z.string(), result_interpretation: z.string() }),
    category: z.enum(['read', 'write', 'external', 'llm', 'code_execution']),
    result_type: z.enum(['authoritative', 'contextual', 'action', 'metadata', 'status']),
    timeout_ms: z.number().int().openapi({ description: '0: no limit (the tool pauses the run)' }),
    is_mutating: z.boolean(),
    is_idempotent: z.boolean(),
    is_query_tool: z.boolean(),
    synthesis: z.object({ prefix: z.string() }),
    examples: z.array(z.record(z.string(), z.unknown())),
    schema_overrides: z.object({ require_fields: z.array(z.string()), strip_null_fields: z.array(z.string()) }),
    requires: z.object({
      capability: z.union([z.enum(CAPABILITIES), z.array(z.enum(CAPABILITIES))]).optional(),
      connector: z.boolean().optional(),
      grant: z.boolean().optional(),
      connector_keys: z.array(z.string()).optional(),
    }),
    implemented: z.boolean().openapi({ description: 'This deployment has an executor for it' }),
    parameters: z.record(z.string(), z.unknown()).nullable().openapi({ description: 'JSON Schema the model is sent (schema_overrides applied); null when not implemented' }),
  })
  .openapi('Tool')
export type ToolInfo = z.infer<typeof ToolSchema>

export const ToolListSchema = z.object({ items: z.array(ToolSchema), total: z.number().int() }).openapi('ToolList')

export const AgentToolSchema = ToolSchema.extend({
  available: z.boolean(),
  reason: z.string().nullable().openapi({ example: 'capability not configured: AI' }),
}).openapi('AgentTool')

export const AgentToolListSchema = z.object({ items: z.array(AgentToolSchema), total: z.number().int(), available: z.number().int() }).openapi('AgentToolList')

export const toTool = (e: CatalogEntry): ToolInfo => ({
  name: e.name,
  ...e.descriptor,
  blocks: e.blocks,
  implemented: e.executor !== undefined,
  parameters: parametersOf(e),
})

export const toAgentTool = (e: CatalogEntry, a: Availability) => ({ ...toTool(e), available: a.available, reason: a.available ? null : a.reason })
