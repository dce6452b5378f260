import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { DocumentListSchema, DocumentSchema, PassageListSchema } from '../workers/schemas/documents'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const upload = async (t: Tenant, body: Record<string, unknown>) => {
  const res = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body })
  if (res.status !== 201) throw new Error(`${res.status} ${res.text}`)
  return DocumentSchema.parse(res.body)
}
const search = async (t: Tenant, q: string) => PassageListSchema.parse((await call('GET', `/v1/organizations/${t.orgId}/documents/search?q=${encodeURIComponent(q)}`, { key: t.key })).body).items
const toolResult = async (runId: string) => JSON.parse(String((await allEvents(runId)).find((e) => e.type === 'tool_result')?.data.result))
const tool = async (t: Tenant, args: object, sessionId?: string) => {
  const s = await startTurn(t, { message: `/tool documents ${JSON.stringify(args)}`, ...(sessionId ? { session_id: sessionId } : {}) })
  await waitTurn(t, s)
  return { session: s.session_id, result: await toolResult(s.turn_id) }
}

const TERMS = `# Delivery terms\n\nWe ship pallets to Moscow within 3 days. Returns are accepted for 14 days.\n\n${'Filler paragraph about unrelated things. '.repeat(60)}\n\nPenalty for late delivery: 0.1% per day.`

describe('documents API: bytes in R2, metadata in D1, text in FTS5', () => {
  it('the FTS5 table exists (hand-written migration applied)', async ({ expect }) => {
    const row = await env.DB.prepare("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").first<{ sql: string }>()
    expect(row?.sql).toMatch(/USING fts5/)
  })

  it('uploads text and bytes, serves them back, finds passages, deletes everything', async ({ expect }) => {
    const t = await createTenant('docs')
    const terms = await upload(t, { name: 'terms.md', content_type: 'text/markdown', text: TERMS })
    expect(terms).toMatchObject({ name: 'terms.md', content_type: 'text/markdown', size: new TextEncoder().encode(TERMS).byteLength, searchable: true, passages: 2 })
    const png = await upload(t, { name: 'logo.png', content_type: 'image/png', content_base64: btoa(String.fromCharCode(0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255)) })
    expect(png).toMatchObject({ size: 8, searchable: false, passages: 0 })
    const ru = await upload(t, { name: 'Прайс.txt', text: 'Доставка на склад Ozon в Казани стоит 500 рублей.' })
    expect(ru.content_type).toBe('text/plain')

    const bytes = await call('GET', `/v1/organizations/${t.orgId}/documents/${png.id}/content`, { key: t.key })
    expect(bytes.headers.get('content-type')).toBe('image/png')
    const r2 = await env.FILES?.get(`orgs/${t.orgId}/documents/${png.id}`)
    expect([...new Uint8Array((await r2?.arrayBuffer()) ?? new ArrayBuffer(0))]).toEqual([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255])

    const hits = await search(t, 'late delivery penalty')
    expect(hits[0]).toMatchObject({ document_id: terms.id, name: 'terms.md', chunk: 1 })
    expect(hits[0]?.passage).toContain('«Penalty»')
    expect((await search(t, 'склад Казани'))[0]).toMatchObject({ document_id: ru.id })
    // Operators are words, not syntax: no FTS5 error on quotes, NEAR or a lone star.
    expect((await call('GET', `/v1/organizations/${t.orgId}/documents/search?q=${encodeURIComponent('"NEAR( * AND')}`, { key: t.key })).status).toBe(200)

    const del = await call('DELETE', `/v1/organizations/${t.orgId}/documents/${terms.id}`, { key: t.key })
    expect(del.status).toBe(204)
    expect(await env.FILES?.head(`orgs/${t.orgId}/documents/${terms.id}`)).toBeNull()
    expect(await search(t, 'penalty')).toEqual([])
    expect((await call('GET', `/v1/organizations/${t.orgId}/documents/${terms.id}`, { key: t.key })).status).toBe(404)
  })

  it('a large text is split into passages, all searchable (multi-row inserts stay under 100 bound parameters)', async ({ expect }) => {
    const t = await createTenant('docs-big')
    const words = Array.from({ length: 60_000 }, (_, i) => `w${i}`).join(' ')
    const big = await upload(t, { name: 'big.txt', text: words })
    expect(big.passages).toBeGreaterThan(200)
    expect((await search(t, 'w59999'))[0]).toMatchObject({ document_id: big.id, chunk: big.passages - 1 })
    expect((await search(t, 'w0'))[0]).toMatchObject({ document_id: big.id, chunk: 0 })
  })

  it('lists with filters; another org sees nothing of it', async ({ expect }) => {
    const t = await createTenant('docs-list')
    await upload(t, { name: 'Q1 report.csv', content_type: 'text/csv', text: 'sku,qty\nA,1' })
    await upload(t, { name: 'q2 REPORT.csv', content_type: 'text/csv', text: 'sku,qty\nB,2' })
    await upload(t, { name: 'photo.jpg', content_type: 'image/jpeg', content_base64: btoa('xyz') })
    const list = async (q: string) => DocumentListSchema.parse((await call('GET', `/v1/organizations/${t.orgId}/documents?${q}`, { key: t.key })).body)
    expect((await list('name=report')).items.map((d) => d.name)).toEqual(['q2 REPORT.csv', 'Q1 report.csv'])
    expect((await list('content_type=image/')).items.map((d) => d.name)).toEqual(['photo.jpg'])
    expect(await list('limit=1&offset=1')).toMatchObject({ total: 3, limit: 1, offset: 1, items: [{ name: 'q2 REPORT.csv' }] })
    expect((await list('name=%25')).total).toBe(0)

    const other = await createTenant('docs-other')
    const mine = (await list('')).items[0]
    expect((await call('GET', `/v1/organizations/${other.orgId}/documents/${mine?.id}`, { key: other.key })).status).toBe(404)
    expect((await call('GET', `/v1/organizations/${t.orgId}/documents`, { key: other.key })).status).toBe(403)
    expect(await search(other, 'sku')).toEqual([])
  })

  it('bad uploads are 422s naming the field', async ({ expect }) => {
    const t = await createTenant('docs-bad')
    const post = (body: unknown) => call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body })
    const locs = async (body: unknown) => {
      const res = await post(body)
      expect(res.status).toBe(422)
      return res.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))
    }
    expect(await locs({ name: 'x' })).toEqual(['body.text'])
    expect(await locs({ name: 'x', text: 'a', content_base64: 'YQ==' })).toEqual(['body.text'])
    expect(await locs({ name: 'x', content_base64: 'not base64!' })).toEqual(['body.content_base64'])
    expect(await locs({ name: 'x', text: 'a', content_type: 'plain' })).toEqual(['body.content_type'])
    expect(await locs({ text: 'a' })).toEqual(['body.name'])
  })
})

describe('the documents tool', () => {
  it('lists, attaches to the task, searches within attached documents, reads one', async ({ expect }) => {
    const t = await createTenant('docs-tool')
    const a = await upload(t, { name: 'ozon.md', text: 'Ozon warehouse in Kazan accepts pallets on Mondays.' })
    const b = await upload(t, { name: 'wb.md', text: 'Wildberries warehouse in Kazan accepts boxes daily.' })

    const listed = await tool(t, { action: 'list', name: 'md' })
    expect(listed.result.items.map((d: { name: string; attached: boolean }) => [d.name, d.attached])).toEqual([
      ['wb.md', false],
      ['ozon.md', false],
    ])
    const all = await tool(t, { action: 'search', query: 'Kazan warehouse' }, listed.session)
    expect(all.result.within).toBe('all')
    expect(all.result.passages.map((p: { document_id: string }) => p.document_id).sort()).toEqual([a.id, b.id].sort())

    const attached = await tool(t, { action: 'attach', ids: [a.id] }, listed.session)
    expect(attached.result).toEqual({ attached: [{ id: a.id, name: 'ozon.md', searchable: true }] })
    const within = await tool(t, { action: 'search', query: 'Kazan warehouse' }, listed.session)
    expect(within.result).toMatchObject({ within: 'attached', passages: [{ document_id: a.id }] })
    expect(within.result.passages).toHaveLength(1)
    // Attachments belong to the task (this session): a new session searches everything again.
    expect((await tool(t, { action: 'search', query: 'Kazan' })).result.within).toBe('all')

    expect((await tool(t, { action: 'read', id: b.id })).result).toEqual({ id: b.id, name: 'wb.md', text: 'Wildberries warehouse in Kazan accepts boxes daily.', truncated: false })
    expect((await tool(t, { action: 'attach', ids: ['nope'] })).result.error).toBe('no documents nope')
  })

  it('exit delivers a document among its files with its name and download path', async ({ expect }) => {
    const t = await createTenant('docs-exit')
    const doc = await upload(t, { name: 'report.csv', content_type: 'text/csv', text: 'a,b\n1,2' })
    const s = await startTurn(t, { message: `/tool exit ${JSON.stringify({ answer: 'Here it is.', files: [doc.id, 'out/chart.png'] })}` })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success', output: 'Here it is.' })
    const files = (await allEvents(s.turn_id)).find((e) => e.type === 'artifact')?.data.files as { url?: string }[]
    expect(files).toEqual([
      { path: doc.id, document_id: doc.id, name: 'report.csv', content_type: 'text/csv', url: `/v1/organizations/${t.orgId}/documents/${doc.id}/content` },
      { path: 'out/chart.png' },
    ])
    const bytes = await call('GET', files[0]?.url ?? '', { key: t.key })
    expect(bytes.text).toBe('a,b\n1,2')
  })
})
