import { z } from 'zod'
import type { JsonObject } from '../../runs/types'
import { defineTool, describe } from './types'

export const renderVisual = defineTool({
  name: 'render_visual',
  description: describe({
    purpose: 'Inline visual in the message bubble: exactly one number-driven object — a chart, diagram, timeline, scheme or KPI card.',
    when: 'numbers or a process read better as a picture than as text.',
    whenNot: 'a saved document or file is wanted; a text draft is wanted — use message_compose.',
    constraints: 'one object per call; ephemeral (not saved); data at most 1000 points.',
    result: '"rendered": the user sees it; do not repeat its numbers at length.',
  }),
  input: z.object({
    kind: z.enum(['chart', 'diagram', 'timeline', 'scheme', 'kpi']),
    title: z.string().min(1).max(200),
    data: z.record(z.string(), z.unknown()),
  }),
  metadata: { display_name: 'Визуализация', category: 'llm', result_type: 'action', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: false },
  run: async (args, ctx) => {
    await ctx.emit('artifact', { type: 'render_visual', kind: args.kind, title: args.title, data: args.data as JsonObject })
    return { kind: 'result', result: `rendered ${args.kind} "${args.title}"` }
  },
})

export const messageCompose = defineTool({
  name: 'message_compose',
  description: describe({
    purpose: 'Inline message draft in the bubble: 2–4 editable variants of one text the user edits, copies and sends themselves.',
    when: 'the user asks for a reply, post or message to send somewhere.',
    whenNot: 'the agent should send it itself through a connector; a chart is wanted — use render_visual.',
    constraints: '2 to 4 variants, each at most 4000 characters; ephemeral.',
    result: '"draft shown": the user picks and edits a variant.',
  }),
  input: z.object({ variants: z.array(z.string().min(1).max(4000)).min(2).max(4), channel: z.string().max(64).optional() }),
  metadata: { display_name: 'Черновик сообщения', category: 'llm', result_type: 'action', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: false },
  run: async (args, ctx) => {
    await ctx.emit('artifact', { type: 'message_compose', variants: args.variants, channel: args.channel ?? null })
    return { kind: 'result', result: `draft shown with ${args.variants.length} variants` }
  },
})
