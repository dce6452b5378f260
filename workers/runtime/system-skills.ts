import { parse } from 'yaml'
import { z } from 'zod'
import systemSkillsYaml from '../../config/skills/system.yaml'
import type { Db } from '../app-env'
import { type NewSkill, syncSystemSkills } from '../db/skills'

/** A skill's parts, each optional (an update changes only what it names). */
export const SkillPartsSchema = z.strictObject({
  checklist: z.array(z.string().min(1).max(500)).max(50).optional(),
  templates: z
    .array(z.strictObject({ name: z.string().min(1).max(100), content: z.string().min(1).max(20_000) }))
    .max(20)
    .optional(),
  scripts: z
    .array(z.strictObject({ name: z.string().min(1).max(100), language: z.string().min(1).max(32), code: z.string().min(1).max(20_000) }))
    .max(20)
    .optional(),
})

const SystemSkillSchema = SkillPartsSchema.extend({ name: z.string().min(1).max(100), summary: z.string().min(1).max(500), prompt: z.string().min(1).max(20_000) })

/** 32-bit FNV-1a of the shipped file: a changed file re-syncs the stored system skills. */
const fnv1a = (s: string) => {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return (h >>> 0).toString(16)
}

/** Parses config/skills/system.yaml; an invalid entry fails at load, naming the skill. */
export function parseSystemSkills(text: string): NewSkill[] {
  const raw: unknown = parse(text)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('system.yaml must be a mapping of key → skill')
  return Object.entries(raw).map(([key, value]) => {
    const s = SystemSkillSchema.safeParse(value)
    if (!s.success) throw new Error(`skills/system.yaml: ${key}: ${s.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    const { name, summary, prompt, checklist = [], templates = [], scripts = [] } = s.data
    return { id: `system:${key}`, orgId: null, name, summary, prompt, parts: { checklist, templates, scripts }, enabled: true }
  })
}

export const SYSTEM_SKILLS = parseSystemSkills(systemSkillsYaml)
const VERSION = fnv1a(systemSkillsYaml)

/** Makes sure D1 holds this build's system skills (one count query when it does). */
export const ensureSystemSkills = (db: Db): Promise<void> => syncSystemSkills(db, SYSTEM_SKILLS, VERSION)
