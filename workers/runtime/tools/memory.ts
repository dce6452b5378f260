import { and, asc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { createDb } from '../../db/client'
import { memoryFiles } from '../../db/schema'
import { defineTool, type ToolContext, ToolError } from './types'

const PathSchema = z
  .string()
  .regex(/^[\w][\w./-]{0,199}\.md$/, 'path must be a relative .md path of letters, digits, "_", "-", "." and "/"')
  .refine((p) => !p.includes('..'), 'path must not contain ".."')
const MAX_CONTENT = 64 * 1024

/** Memory files must start with YAML frontmatter that has a title and a source. */
export function checkFrontmatter(content: string): string | undefined {
  const m = /^---\r?\n([\s\S]*?)\r?\n---(\r?\n|$)/.exec(content)
  if (!m?.[1]) return 'content must start with YAML frontmatter (--- … ---)'
  const keys = new Set(
    m[1]
      .split(/\r?\n/)
      .map((l) => /^([A-Za-z_][\w-]*)\s*:\s*\S/.exec(l)?.[1])
      .filter(Boolean),
  )
  const missing = ['title', 'source'].filter((k) => !keys.has(k))
  return missing.length ? `frontmatter is missing: ${missing.join(', ')}` : undefined
}

const scope = (ctx: ToolContext) => and(eq(memoryFiles.orgId, ctx.spec.org_id), eq(memoryFiles.userKey, ctx.spec.user_key))

export const readMemory = defineTool({
  name: 'read_memory',
  input: z.object({
    action: z.enum(['list', 'read', 'read_many']),
    path: PathSchema.optional(),
    paths: z.array(PathSchema).max(20).optional(),
  }),
  run: async (args, ctx) => {
    const db = createDb(ctx.env.DB)
    if (args.action === 'list') {
      const rows = await db.select({ path: memoryFiles.path, updated_at: memoryFiles.updatedAt }).from(memoryFiles).where(scope(ctx)).orderBy(asc(memoryFiles.path)).limit(500)
      return { kind: 'result', result: JSON.stringify(rows) }
    }
    const paths = args.action === 'read' ? [args.path] : (args.paths ?? [])
    if (paths.length === 0 || paths.some((p) => p === undefined)) throw new ToolError(`${args.action} needs ${args.action === 'read' ? 'path' : 'paths'}`)
    const rows = await db
      .select({ path: memoryFiles.path, content: memoryFiles.content })
      .from(memoryFiles)
      .where(and(scope(ctx), inArray(memoryFiles.path, paths as string[])))
    const found = new Map(rows.map((r) => [r.path, r.content]))
    return { kind: 'result', result: JSON.stringify(paths.map((p) => ({ path: p, content: found.get(p ?? '') ?? null }))) }
  },
})

export const manageMemory = defineTool({
  name: 'manage_memory',
  input: z.object({
    action: z.enum(['write', 'delete', 'move']),
    path: PathSchema,
    content: z.string().max(MAX_CONTENT).optional(),
    new_path: PathSchema.optional(),
  }),
  run: async (args, ctx) => {
    const db = createDb(ctx.env.DB)
    const where = and(scope(ctx), eq(memoryFiles.path, args.path))
    if (args.action === 'write') {
      const problem = args.content === undefined ? 'write needs content' : checkFrontmatter(args.content)
      if (problem || args.content === undefined) throw new ToolError(problem)
      const updatedAt = new Date().toISOString()
      await db
        .insert(memoryFiles)
        .values({ orgId: ctx.spec.org_id, userKey: ctx.spec.user_key, path: args.path, content: args.content, updatedAt })
        .onConflictDoUpdate({ target: [memoryFiles.orgId, memoryFiles.userKey, memoryFiles.path], set: { content: args.content, updatedAt } })
      return { kind: 'result', result: JSON.stringify({ ok: true, path: args.path }) }
    }
    if (args.action === 'delete') {
      const gone = await db.delete(memoryFiles).where(where).returning({ path: memoryFiles.path })
      if (!gone.length) throw new ToolError(`no memory file ${args.path}`)
      return { kind: 'result', result: JSON.stringify({ ok: true, path: args.path }) }
    }
    if (!args.new_path) throw new ToolError('move needs new_path')
    const moved = await db.update(memoryFiles).set({ path: args.new_path, updatedAt: new Date().toISOString() }).where(where).returning({ path: memoryFiles.path })
    if (!moved.length) throw new ToolError(`no memory file ${args.path}`)
    return { kind: 'result', result: JSON.stringify({ ok: true, path: args.new_path }) }
  },
})
