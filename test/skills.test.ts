import { describe, it } from 'vitest'
import { parseSystemSkills, SYSTEM_SKILLS } from '../workers/runtime/system-skills'
import { createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const tool = async (t: Tenant, name: string, args: object) => {
  const s = await startTurn(t, { message: `/tool ${name} ${JSON.stringify(args)}` })
  await waitTurn(t, s)
  return JSON.parse(String((await allEvents(s.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
}
const ids = (hits: { skill_id: string }[]) => hits.map((h) => h.skill_id)

describe('skills: shipped system skills plus org skills, full-text search', () => {
  it('finds a system skill by task description and reads it whole', async ({ expect }) => {
    const t = await createTenant('skills')
    const hits = await tool(t, 'skill_search', { query: 'answer a negative review from a buyer' })
    expect(hits[0]).toMatchObject({ skill_id: 'system:review-reply', kind: 'system', name: 'Reply to a marketplace review' })
    const skill = await tool(t, 'read_skill', { skill_id: 'system:review-reply' })
    expect(skill.prompt).toContain('Never argue')
    expect(skill.checklist).toContain('Under 700 characters')
    expect(skill.templates.map((x: { name: string }) => x.name)).toEqual(['negative', 'positive'])
    expect((await tool(t, 'read_skill', { skill_id: 'system:nope' })).error).toBe('no skill system:nope')
  })

  it('create → search → update (re-indexed) → toggle off → delete; org skills stay in their org', async ({ expect }) => {
    const t = await createTenant('skills-org')
    const created = await tool(t, 'manage_skill', {
      action: 'create',
      name: 'Возвраты',
      summary: 'Как отвечать на вопросы о возврате',
      content: { prompt: 'Срок возврата — 14 дней, упомяни зонтики.', checklist: ['Назвать срок'] },
    })
    expect(created).toMatchObject({ kind: 'custom', enabled: true, checklist: ['Назвать срок'], templates: [], scripts: [] })
    expect(ids(await tool(t, 'skill_search', { query: 'зонтики' }))).toEqual([created.skill_id])

    const other = await createTenant('skills-other')
    expect(await tool(other, 'skill_search', { query: 'зонтики' })).toEqual([])
    expect((await tool(other, 'read_skill', { skill_id: created.skill_id })).error).toBe(`no skill ${created.skill_id}`)

    const updated = await tool(t, 'manage_skill', { action: 'update', skill_id: created.skill_id, content: { prompt: 'Срок возврата — 14 дней, упомяни чемоданы.' } })
    expect(updated).toMatchObject({ prompt: 'Срок возврата — 14 дней, упомяни чемоданы.', checklist: ['Назвать срок'] })
    expect(await tool(t, 'skill_search', { query: 'зонтики' })).toEqual([])
    expect(ids(await tool(t, 'skill_search', { query: 'чемоданы' }))).toEqual([created.skill_id])

    expect(await tool(t, 'manage_skill', { action: 'toggle', skill_id: created.skill_id })).toMatchObject({ enabled: false })
    expect(await tool(t, 'skill_search', { query: 'чемоданы' })).toEqual([])
    expect((await tool(t, 'read_skill', { skill_id: created.skill_id })).error).toMatch(/switched off/)

    expect(await tool(t, 'manage_skill', { action: 'delete', skill_id: created.skill_id })).toEqual({ deleted: created.skill_id })
    expect((await tool(t, 'manage_skill', { action: 'list' })).map((s: { skill_id: string }) => s.skill_id)).toEqual(SYSTEM_SKILLS.map((s) => s.id).sort())
  })

  it('system skills are read-only: toggled per org, copied to change', async ({ expect }) => {
    const a = await createTenant('skills-sys-a')
    const b = await createTenant('skills-sys-b')
    expect((await tool(a, 'manage_skill', { action: 'update', skill_id: 'system:supplier-email', summary: 'x' })).error).toMatch(/read-only; copy it/)
    expect((await tool(a, 'manage_skill', { action: 'delete', skill_id: 'system:supplier-email' })).error).toMatch(/read-only/)

    expect(await tool(a, 'manage_skill', { action: 'toggle', skill_id: 'system:supplier-email' })).toMatchObject({ enabled: false })
    expect(ids(await tool(a, 'skill_search', { query: 'supplier e-mail reorder' }))).not.toContain('system:supplier-email')
    expect(ids(await tool(b, 'skill_search', { query: 'supplier e-mail reorder' }))[0]).toBe('system:supplier-email')

    const copy = await tool(a, 'manage_skill', { action: 'copy', skill_id: 'system:supplier-email', name: 'Our supplier e-mail' })
    expect(copy).toMatchObject({ kind: 'custom', name: 'Our supplier e-mail', copied_from: 'system:supplier-email', enabled: true })
    expect(copy.templates[0].name).toBe('reorder')
    expect(ids(await tool(a, 'skill_search', { query: 'supplier e-mail reorder' }))[0]).toBe(copy.skill_id)
    const edited = await tool(a, 'manage_skill', { action: 'update', skill_id: copy.skill_id, content: { checklist: ['Cc the buyer'] } })
    expect(edited.checklist).toEqual(['Cc the buyer'])
  })

  it('the shipped file is checked at load, naming the bad skill', ({ expect }) => {
    expect(SYSTEM_SKILLS.length).toBe(5)
    expect(() => parseSystemSkills('bad:\n  name: "x"\n  summary: "y"\n')).toThrow(/bad: prompt/)
  })
})
