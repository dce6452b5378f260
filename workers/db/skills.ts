import { and, asc, count, eq, isNull, or, sql } from 'drizzle-orm'
import { integer, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { Db } from '../app-env'
import { matchExpression } from './documents'
import { skills, skillToggles } from './schema'

/** The FTS5 table (migration 0008_fts, by hand); declared outside schema.ts so drizzle-kit leaves it alone. */
const skillsFts = sqliteTable('skills_fts', {
  name: text('name').notNull(),
  summary: text('summary').notNull(),
  body: text('body').notNull(),
  skillId: text('skill_id').notNull(),
  orgId: integer('org_id').notNull(),
})

export type SkillRow = typeof skills.$inferSelect
export type NewSkill = typeof skills.$inferInsert
export interface SkillParts {
  checklist: string[]
  templates: { name: string; content: string }[]
  scripts: { name: string; language: string; code: string }[]
}
/** A skill as an org sees it: system skills carry the org's toggle. */
export type OrgSkill = SkillRow & { effectiveEnabled: boolean }

const partsOf = (row: Pick<SkillRow, 'parts'>) => row.parts as SkillParts
const ftsRow = (row: Pick<SkillRow, 'id' | 'orgId' | 'name' | 'summary' | 'prompt' | 'parts'>) => {
  const p = partsOf(row)
  const body = [row.prompt, ...p.checklist, ...p.templates.flatMap((t) => [t.name, t.content]), ...p.scripts.map((s) => s.name)].join('\n')
  return { name: row.name, summary: row.summary, body, skillId: row.id, orgId: row.orgId ?? 0 }
}

/** Replaces the stored system skills when the shipped file changed (its hash is `version`); idempotent. */
export async function syncSystemSkills(db: Db, shipped: NewSkill[], version: string): Promise<void> {
  const [current] = await db
    .select({ n: count() })
    .from(skills)
    .where(and(isNull(skills.orgId), eq(skills.version, version)))
  if (current?.n === shipped.length) return
  const rows = shipped.map((s) => ({ ...s, orgId: null, version }))
  await db.batch([
    db.delete(skillsFts).where(eq(skillsFts.orgId, 0)),
    db.delete(skills).where(isNull(skills.orgId)),
    ...rows.map((r) => db.insert(skills).values(r)),
    ...rows.map((r) => db.insert(skillsFts).values(ftsRow({ ...r, parts: r.parts }))),
  ])
}

const visible = (orgId: number) => or(isNull(skills.orgId), eq(skills.orgId, orgId))

/** System skills first, then the org's, with each one's effective state. */
export async function listSkills(db: Db, orgId: number): Promise<OrgSkill[]> {
  const rows = await db
    .select({ skill: skills, toggle: skillToggles.enabled })
    .from(skills)
    .leftJoin(skillToggles, and(eq(skillToggles.orgId, orgId), eq(skillToggles.skillId, skills.id)))
    .where(visible(orgId))
    .orderBy(sql`${skills.orgId} IS NOT NULL`, asc(skills.name))
  return rows.map((r) => ({ ...r.skill, effectiveEnabled: r.skill.orgId === null ? (r.toggle ?? true) : r.skill.enabled }))
}

export async function getSkill(db: Db, orgId: number, id: string): Promise<OrgSkill | undefined> {
  const [row] = await db
    .select({ skill: skills, toggle: skillToggles.enabled })
    .from(skills)
    .leftJoin(skillToggles, and(eq(skillToggles.orgId, orgId), eq(skillToggles.skillId, skills.id)))
    .where(and(visible(orgId), eq(skills.id, id)))
  return row && { ...row.skill, effectiveEnabled: row.skill.orgId === null ? (row.toggle ?? true) : row.skill.enabled }
}

export async function insertSkill(db: Db, row: NewSkill & { orgId: number }): Promise<SkillRow> {
  const [[inserted]] = await db.batch([db.insert(skills).values(row).returning(), db.insert(skillsFts).values(ftsRow({ ...row, parts: row.parts }))])
  if (!inserted) throw new Error('skill insert returned no row')
  return inserted
}

export async function updateSkill(db: Db, current: SkillRow, change: Partial<Pick<SkillRow, 'name' | 'summary' | 'prompt' | 'parts' | 'enabled'>>): Promise<SkillRow> {
  const next = { ...current, ...change }
  const [[updated]] = await db.batch([
    db
      .update(skills)
      .set({ ...change, updatedAt: new Date().toISOString() })
      .where(eq(skills.id, current.id))
      .returning(),
    db.delete(skillsFts).where(eq(skillsFts.skillId, current.id)),
    db.insert(skillsFts).values(ftsRow(next)),
  ])
  if (!updated) throw new Error('skill update returned no row')
  return updated
}

export async function deleteSkill(db: Db, id: string): Promise<void> {
  await db.batch([db.delete(skillsFts).where(eq(skillsFts.skillId, id)), db.delete(skills).where(eq(skills.id, id))])
}

export async function toggleSystemSkill(db: Db, orgId: number, skillId: string, enabled: boolean): Promise<void> {
  await db
    .insert(skillToggles)
    .values({ orgId, skillId, enabled })
    .onConflictDoUpdate({ target: [skillToggles.orgId, skillToggles.skillId], set: { enabled } })
}

export interface SkillHit {
  skill_id: string
  name: string
  summary: string
  kind: 'system' | 'custom'
  score: number
}

/** Enabled skills matching `query` by BM25 (name and summary weigh more than the body). */
export async function searchSkills(db: Db, orgId: number, query: string, limit: number): Promise<SkillHit[]> {
  const match = matchExpression(query)
  if (!match) return []
  return db.all<SkillHit>(sql`
    SELECT skills.id AS skill_id, skills.name AS name, skills.summary AS summary,
      CASE WHEN skills.org_id IS NULL THEN 'system' ELSE 'custom' END AS kind, bm25(skills_fts, 5.0, 3.0, 1.0) AS score
    FROM skills_fts JOIN skills ON skills.id = skills_fts.skill_id
    LEFT JOIN skill_toggles ON skill_toggles.org_id = ${orgId} AND skill_toggles.skill_id = skills.id
    WHERE skills_fts MATCH ${match} AND skills_fts.org_id IN (0, ${orgId})
      AND skills.enabled = 1 AND COALESCE(skill_toggles.enabled, 1) = 1
    ORDER BY score LIMIT ${limit}`)
}
