import { z } from 'zod'
import { createDb } from '../../db/client'
import { ApiError } from '../../errors'
import { runSnapshot } from '../../runs/service'
import { startChildren, SUBAGENT_CHANNEL } from '../../runs/subagents'
import type { SubagentRow } from '../../db/subagents'
import { isTerminal } from '../../runs/types'
import { defineTool, ToolError } from './types'

/** How long the parent sleeps between looks at its children: grows with their age, 1–15 s. */
const pollDelayMs = (startedAt: string) => Math.min(15_000, Math.max(1000, (Date.now() - Date.parse(startedAt)) / 4))

export const runSubagent = defineTool({
  name: 'run_subagent',
  input: z.object({
    tasks: z
      .array(z.object({ mode: z.enum(['explore', 'execute', 'verify']), prompt: z.string().trim().min(1).max(20_000) }))
      .min(1)
      .max(5),
  }),
  run: async (args, ctx) => {
    if (ctx.spec.channel === SUBAGENT_CHANNEL) throw new ToolError('a sub-agent cannot delegate further')
    const db = createDb(ctx.env.DB)
    let children: SubagentRow[]
    try {
      children = await startChildren(db, ctx.env, ctx.spec, ctx.callId, args.tasks)
    } catch (err) {
      if (err instanceof ApiError) throw new ToolError(`cannot start sub-agents: ${err.message}`)
      throw err
    }
    const snapshots = await Promise.all(children.map((c) => runSnapshot(ctx.env, c.childRunId)))
    const running = snapshots.filter((s) => !isTerminal(s.status)).length
    // The parent does not hold a queue consumer while its children work: it is released and comes back.
    if (running) return { kind: 'defer', delayMs: pollDelayMs(children[0]?.createdAt ?? new Date().toISOString()), reason: `waiting for ${running} of ${children.length} sub-agents` }
    const usage = snapshots.reduce((u, s) => ({ prompt_tokens: u.prompt_tokens + s.usage.prompt_tokens, completion_tokens: u.completion_tokens + s.usage.completion_tokens }), {
      prompt_tokens: 0,
      completion_tokens: 0,
    })
    // The children's tokens count toward the parent (same model, so the same price): one usage event.
    await ctx.emit('usage', { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens, source: 'subagents', runs: children.map((c) => c.childRunId) })
    const results = children.map((c, i) => {
      const s = snapshots[i]
      return { run_id: c.childRunId, mode: c.mode, task: c.task, status: s?.status ?? 'error', output: s?.output ?? null, error: s?.error?.message ?? null, cost_usd: s?.costs.total ?? 0 }
    })
    return { kind: 'result', result: JSON.stringify(results) }
  },
})
