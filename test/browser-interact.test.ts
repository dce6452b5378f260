import { env } from 'cloudflare:workers'
import { describe, inject, it } from 'vitest'
import type { JsonObject, RunSpec } from '../workers/runs/types'
import { getEntry } from '../workers/runtime/tools/catalog'
import { invokeTool } from '../workers/runtime/tools/invoke'
import { call, createTenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

// BROWSER is test/fixtures/browser-stand-in.js: @cloudflare/puppeteer's binding protocol in front
// of a real headless Chromium; the pages come from test/fixtures/fake-site.ts on loopback.
const site = (path = '/') => `http://127.0.0.1:${inject('fakeSitePort')}${path}`

interface Snapshot {
  url: string
  title: string
  text: string
  elements: { ref: string; tag: string; name: string; type?: string; value?: string; options?: string[] }[]
}

/** The executor with its descriptor's validation and timeout, on the real bindings, for one run. */
function browserFor(orgId: number, overrides: Partial<typeof env> = {}) {
  const spec = { org_id: orgId, run_id: crypto.randomUUID() } as RunSpec
  const emitted: { type: string; data: JsonObject }[] = []
  const entry = getEntry('browser_interact')
  if (!entry) throw new Error('no browser_interact')
  const act = async (args: Record<string, unknown>) => {
    const out = await invokeTool(entry, JSON.stringify(args), {
      env: { ...env, ...overrides },
      spec,
      signal: new AbortController().signal,
      callId: 'c1',
      emit: async (type, data) => void emitted.push({ type, data }),
    })
    if (out.kind !== 'result') throw new Error(`unexpected ${out.kind}`)
    return JSON.parse(out.result) as { error?: string; issues?: { path: string[] }[]; page?: Snapshot; [k: string]: unknown }
  }
  return { spec, emitted, act }
}

const refOf = (page: Snapshot | undefined, name: string) => {
  const ref = page?.elements.find((e) => e.name === name)?.ref
  if (!ref) throw new Error(`no element "${name}" in ${JSON.stringify(page?.elements)}`)
  return ref
}

describe('browser_interact on Browser Rendering (stand-in in front of headless Chromium)', () => {
  it('navigates, fills a form over several calls in one kept session, and reads the result page', async ({ expect }) => {
    const t = await createTenant('browser')
    const b = browserFor(t.orgId)
    const home = await b.act({ action: 'navigate', url: site('/') })
    expect(home).toMatchObject({ action: 'navigate', ok: true, status: 200, page: { title: 'Tea shop', url: site('/') } })
    expect(home.page?.elements.map((e) => e.name)).toEqual(['About us', 'Name', 'Tea', 'Note', 'Order', ''])
    expect(home.page?.elements.find((e) => e.name === 'Tea')).toMatchObject({ tag: 'select', options: ['green', 'black'], value: 'green' })
    const sessionOf = async () => ((await (await env.FILES?.get(`orgs/${t.orgId}/runs/${b.spec.run_id}/browser.json`))?.json()) as { sessionId: string } | undefined)?.sessionId
    const sessionId = await sessionOf()
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/)

    expect((await b.act({ action: 'fill', ref: refOf(home.page, 'Name'), value: 'Ana' })).page?.elements.find((e) => e.name === 'Name')?.value).toBe('Ana')
    expect((await b.act({ action: 'select', ref: refOf(home.page, 'Tea'), value: 'black' })).page?.elements.find((e) => e.name === 'Tea')?.value).toBe('black')
    await b.act({ action: 'type', ref: refOf(home.page, 'Note'), text: 'Quickly please' })
    const done = await b.act({ action: 'click', ref: refOf(home.page, 'Order') })
    expect(done.page).toMatchObject({ title: 'Order placed', text: expect.stringContaining('Ana ordered black tea. Quickly please') })
    // Every call reconnected to the same Browser Rendering session.
    expect(await sessionOf()).toBe(sessionId)

    expect(await b.act({ action: 'close' })).toEqual({ action: 'close', ok: true })
    expect(await env.FILES?.head(`orgs/${t.orgId}/runs/${b.spec.run_id}/browser.json`)).toBeNull()
  })

  it('a screenshot is a PNG artifact in R2, announced as an artifact event', async ({ expect }) => {
    const t = await createTenant('browser-shot')
    const b = browserFor(t.orgId)
    await b.act({ action: 'navigate', url: site('/about') })
    const shot = await b.act({ action: 'screenshot' })
    const id = (shot.artifact as { artifact_id: string }).artifact_id
    const object = await env.FILES?.get(`orgs/${t.orgId}/artifacts/${id}`)
    expect([...new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0)).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47])
    expect(b.emitted).toEqual([
      { type: 'artifact', data: expect.objectContaining({ type: 'browser_screenshot', artifact_id: id, page_url: site('/about'), title: 'About', content_type: 'image/png' }) },
    ])
    await b.act({ action: 'close' })
  })

  it('upload_file puts a document into a file input', async ({ expect }) => {
    const t = await createTenant('browser-upload')
    const doc = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body: { name: 'list.txt', text: 'green, black' } })
    const b = browserFor(t.orgId)
    const home = await b.act({ action: 'navigate', url: site('/') })
    const fileRef = home.page?.elements.find((e) => e.type === 'file')?.ref
    const up = await b.act({ action: 'upload_file', ref: fileRef, source: `document:${doc.body.id}` })
    expect(up).toMatchObject({ uploaded: 'list.txt', page: { text: expect.stringContaining('list.txt (12 bytes): green, black') } })
    await b.act({ action: 'close' })
  })

  it('bad calls name the field; refused targets, unknown refs and options are tool errors', async ({ expect }) => {
    const t = await createTenant('browser-bad')
    const b = browserFor(t.orgId)
    expect(await b.act({ action: 'click' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['ref'] }] })
    expect(await b.act({ action: 'navigate' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['url'] }] })
    expect(await b.act({ action: 'jump' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['action'] }] })
    const home = await b.act({ action: 'navigate', url: site('/') })
    expect(await b.act({ action: 'click', ref: 'e999' })).toEqual({ error: 'ref: no element e999 on the page; take a snapshot for current refs' })
    expect(await b.act({ action: 'select', ref: refOf(home.page, 'Tea'), value: 'oolong' })).toEqual({ error: `value: "oolong" is not an option of ${refOf(home.page, 'Tea')}` })
    await b.act({ action: 'close' })

    const strict = browserFor(t.orgId, { ALLOW_PRIVATE_TARGETS: undefined })
    expect(await strict.act({ action: 'navigate', url: site('/') })).toEqual({ error: expect.stringMatching(/^url: refused: /) })
    expect(await strict.act({ action: 'navigate', url: 'file:///etc/passwd' })).toEqual({ error: 'url: refused: scheme file: is not allowed' })
    await strict.act({ action: 'close' })
  })

  it('a clicked link or a redirect to a refused target is blocked in the browser, not followed', async ({ expect }) => {
    const t = await createTenant('browser-guard')
    const b = browserFor(t.orgId)
    const links = await b.act({ action: 'navigate', url: site('/links') })
    const clicked = await b.act({ action: 'click', ref: refOf(links.page, 'Inward') })
    expect(clicked.page?.text ?? '').not.toContain('leaked ordered')
    expect(clicked.page?.title).not.toBe('Order placed')
    const redirected = await b.act({ action: 'navigate', url: site('/redirect') })
    expect(redirected).toEqual({ error: expect.stringMatching(/^navigate failed: net::ERR_BLOCKED_BY_CLIENT/) })
    // Control: the same page under the allowed address opens.
    expect((await b.act({ action: 'navigate', url: site('/order?name=allowed') })).page?.text).toContain('allowed ordered')
    await b.act({ action: 'close' })
  })

  it('an expired session is replaced by a new one, and the model is told', async ({ expect }) => {
    const t = await createTenant('browser-expired')
    const b = browserFor(t.orgId)
    await env.FILES?.put(`orgs/${t.orgId}/runs/${b.spec.run_id}/browser.json`, JSON.stringify({ sessionId: crypto.randomUUID(), contextId: 'gone' }))
    const snap = await b.act({ action: 'snapshot' })
    expect(snap).toMatchObject({ ok: true, note: expect.stringContaining('expired'), page: { url: 'about:blank' } })
    await b.act({ action: 'close' })
  })

  it('in a run: offered to the agent, and a script-rendered page is read', async ({ expect }) => {
    const t = await createTenant('browser-run')
    const s = await startTurn(t, { message: `/tool browser_interact {"action":"navigate","url":"${site('/about')}"}` })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success' })
    const result = JSON.parse(String((await allEvents(s.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
    expect(result.page).toMatchObject({ title: 'About', text: expect.stringContaining('Rendered by script') })
  })
})
