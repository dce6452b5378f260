import { z } from 'zod'
import type { JsonObject } from '../../runs/types'
import { defineTool, describe } from './types'

const FieldSchema = z.object({
  name: z.string().min(1).max(64),
  label: z.string().max(200).optional(),
  type: z.enum(['text', 'number', 'boolean', 'select']).default('text'),
  options: z.array(z.string().max(200)).max(50).optional(),
})

export const requestForm = defineTool({
  name: 'request_form',
  description: describe({
    purpose: 'Interactive pause: ask the user a clarifying question (optionally as a small form) and wait for the answer.',
    when: 'a required detail is missing or ambiguous and guessing would be costly; an action needs explicit confirmation.',
    whenNot: 'the answer can be found with a read tool (read_memory, web_fetch) — use that; for the final answer use exit.',
    constraints: 'one question per call; the run pauses until the user answers (possibly much later); at most 20 fields.',
    result: "the user's answer as text. Treat it as authoritative; do not ask the same question again.",
  }),
  input: z.object({ question: z.string().min(1).max(2000), fields: z.array(FieldSchema).max(20).optional() }),
  metadata: { display_name: 'Форма пользователю', category: 'read', result_type: 'authoritative', timeout_ms: 0, is_mutating: false, is_idempotent: true, is_query_tool: false },
  run: async (args) => ({ kind: 'interrupt', question: args.question, fields: (args.fields ?? []) as JsonObject[] }),
})

export const exitTool = defineTool({
  name: 'exit',
  description: describe({
    purpose: 'Finish the task: deliver the answer text (and any output file paths) to the user.',
    when: 'the task is complete, or cannot be completed and you can say why.',
    whenNot: 'you still need information from the user — use request_form.',
    constraints: 'ends the run immediately; nothing after it is executed.',
    result: 'none: the run ends with this answer as its output.',
  }),
  input: z.object({ answer: z.string().min(1).max(100_000), files: z.array(z.string().max(500)).max(50).optional() }),
  metadata: { display_name: 'Завершение', category: 'write', result_type: 'status', timeout_ms: 1000, is_mutating: false, is_idempotent: true, is_query_tool: false },
  run: async (args) => ({ kind: 'exit', answer: args.answer }),
})
