import { and, asc, eq, inArray } from 'drizzle-orm'
import { z } from 'zod'
import { createDb } from '../../db/client'
import { memoryFiles } from '../../db/schema'
import { defineTool, describe, type ToolContext, ToolError } from './types'

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
  description: describe({
    purpose: "Read the user's long-term memory: list, read or read_many over markdown files.",
    when: 'the user refers to something said in earlier sessions, or their preferences matter.',
    whenNot: 'to save or change a memory — use manage_memory; for documents of the knowledge base — use documents.',
    constraints: 'paths are relative .md paths; read_many takes at most 20 paths; per user, per organization.',
    result: 'list: paths with update times; read: the file content; a missing path is reported, not thrown.',
  }),
  input: z.object({
    action: z.enum(['list', 'read', 'read_many']),
    path: PathSchema.optional(),
    paths: z.array(PathSchema).max(20).optional(),
  }),
  metadata: { display_name: 'Чтение памяти', category: 'read', result_type: 'contextual', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: true },
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
  description: describe({
    purpose: "Write, delete or move the user's memory files.",
    when: 'the user states a lasting fact or preference worth remembering, or asks to forget something.',
    whenNot: 'for temporary notes of this task; to read — use read_memory.',
    constraints: `content must include YAML frontmatter with title and source; ${MAX_CONTENT / 1024} KiB per file; write replaces the file.`,
    result: 'ok with the path; an error names what to fix (frontmatter, missing file).',
  }),
  input: z.object({
    action: z.enum(['write', 'delete', 'move']),
    path: PathSchema,
    content: z.string().max(MAX_CONTENT).optional(),
    new_path: PathSchema.optional(),
  }),
  metadata: { display_name: 'Управление памятью', category: 'write', result_type: 'action', timeout_ms: 5000, is_mutating: true, is_idempotent: true, is_query_tool: false },
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
