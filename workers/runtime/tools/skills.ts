import { z } from 'zod'
import { createDb } from '../../db/client'
import * as skillsDb from '../../db/skills'
import { ensureSystemSkills, SkillPartsSchema } from '../system-skills'
import { defineTool, type ToolContext, ToolError } from './types'

const result = (value: unknown) => ({ kind: 'result' as const, result: JSON.stringify(value) })
const MAX_CONTENT = 64 * 1024

async function ready(ctx: ToolContext) {
  const db = createDb(ctx.env.DB)
  await ensureSystemSkills(db)
  return db
}

const brief = (s: skillsDb.OrgSkill) => ({ skill_id: s.id, name: s.name, summary: s.summary, kind: s.orgId === null ? 'system' : 'custom', enabled: s.effectiveEnabled, copied_from: s.copiedFrom })
const full = (s: skillsDb.OrgSkill) => ({ ...brief(s), prompt: s.prompt, ...(s.parts as skillsDb.SkillParts) })

async function skill(db: Awaited<ReturnType<typeof ready>>, ctx: ToolContext, id: string | undefined) {
  if (!id) throw new ToolError('skill_id is required for this action')
  const found = await skillsDb.getSkill(db, ctx.spec.org_id, id)
  if (!found) throw new ToolError(`no skill ${id}`)
  return found
}

export const skillSearch = defineTool({
  name: 'skill_search',
  input: z.object({ query: z.string().min(1).max(500), limit: z.number().int().min(1).max(10).default(5) }),
  run: async (args, ctx) => {
    const db = await ready(ctx)
    return result(await skillsDb.searchSkills(db, ctx.spec.org_id, args.query, args.limit))
  },
})

export const readSkill = defineTool({
  name: 'read_skill',
  input: z.object({ skill_id: z.string().min(1).max(100) }),
  run: async (args, ctx) => {
    const found = await skill(await ready(ctx), ctx, args.skill_id)
    if (!found.effectiveEnabled) throw new ToolError(`skill ${args.skill_id} is switched off; toggle it with manage_skill first`)
    return result(full(found))
  },
})

const ContentSchema = SkillPartsSchema.extend({ prompt: z.string().min(1).max(MAX_CONTENT).optional() })

export const manageSkill = defineTool({
  name: 'manage_skill',
  input: z.object({
    action: z.enum(['list', 'create', 'update', 'delete', 'toggle', 'copy']),
    skill_id: z.string().min(1).max(100).optional(),
    name: z.string().trim().min(1).max(100).optional(),
    summary: z.string().min(1).max(500).optional(),
    content: ContentSchema.optional(),
  }),
  run: async (args, ctx) => {
    const db = await ready(ctx)
    const orgId = ctx.spec.org_id
    if (args.action === 'list') return result((await skillsDb.listSkills(db, orgId)).map(brief))
    if (args.action === 'create') {
      if (!args.name || !args.summary || !args.content?.prompt) throw new ToolError('create needs name, summary and content.prompt')
      const { prompt, checklist = [], templates = [], scripts = [] } = args.content
      const row = await skillsDb.insertSkill(db, { id: crypto.randomUUID(), orgId, name: args.name, summary: args.summary, prompt, parts: { checklist, templates, scripts }, enabled: true })
      return result(full({ ...row, effectiveEnabled: true }))
    }
    const current = await skill(db, ctx, args.skill_id)
    const system = current.orgId === null
    if (args.action === 'toggle') {
      const enabled = !current.effectiveEnabled
      if (system) await skillsDb.toggleSystemSkill(db, orgId, current.id, enabled)
      else await skillsDb.updateSkill(db, current, { enabled })
      return result({ ...brief(current), enabled })
    }
    if (args.action === 'copy') {
      const row = await skillsDb.insertSkill(db, {
        id: crypto.randomUUID(),
        orgId,
        name: args.name ?? `${current.name} (copy)`,
        summary: current.summary,
        prompt: current.prompt,
        parts: current.parts,
        enabled: true,
        copiedFrom: current.id,
      })
      return result(full({ ...row, effectiveEnabled: true }))
    }
    if (system) throw new ToolError(`${current.id} is a system skill and read-only; copy it to change it`)
    if (args.action === 'delete') {
      await skillsDb.deleteSkill(db, current.id)
      return result({ deleted: current.id })
    }
    const { prompt, ...partChange } = args.content ?? {}
    const parts = { ...(current.parts as skillsDb.SkillParts), ...Object.fromEntries(Object.entries(partChange).filter(([, v]) => v !== undefined)) }
    if (JSON.stringify({ prompt: prompt ?? current.prompt, parts }).length > MAX_CONTENT) throw new ToolError('skill content is larger than 64 KiB')
    const row = await skillsDb.updateSkill(db, current, { ...(args.name ? { name: args.name } : {}), ...(args.summary ? { summary: args.summary } : {}), ...(prompt ? { prompt } : {}), parts })
    return result(full({ ...row, effectiveEnabled: row.enabled }))
  },
})
