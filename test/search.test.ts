import { env } from 'cloudflare:workers'
import { describe, inject, it } from 'vitest'
import { searchConfig, searchImages, searchWeb } from '../workers/runtime/search'
import { availability, getEntry } from '../workers/runtime/tools/catalog'
import { admin, call, createTenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const fake = () => `http://127.0.0.1:${inject('fakeSearchPort')}`
const seen = async () => (await (await fetch(`${fake()}/__search`)).json()) as { path: string; q: string; auth: string | null; categories: string | null }[]
const run = async (message: string) => {
  const t = await createTenant('search')
  const s = await startTurn(t, { message })
  await waitTurn(t, s)
  const events = await allEvents(s.turn_id)
  return { events, result: JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result)) }
}

describe('web_search and yandex_image_search against a search provider on loopback', () => {
  it('web_search normalises results to {title, snippet, url}: HTML stripped, bad URLs and duplicates dropped', async ({ expect }) => {
    const { result } = await run('/tool web_search {"query":"tea prices"}')
    expect(result).toEqual({
      query: 'tea prices',
      results: [
        { title: 'About tea prices', snippet: 'The best answer & more', url: 'https://example.com/a' },
        { title: 'Second', snippet: '', url: 'https://example.org/b' },
      ],
    })
    expect((await seen()).find((r) => r.q === 'tea prices')).toEqual({ path: '/search', q: 'tea prices', auth: 'Bearer search-key-test', categories: null })
  })

  it('a provider failure is a tool error that never repeats the key; the run goes on', async ({ expect }) => {
    const { result, events } = await run('/tool web_search {"query":"please fail"}')
    expect(result).toEqual({ error: 'the search provider answered HTTP 502' })
    expect(events.at(-1)?.type).toBe('done')
    expect(JSON.stringify(events)).not.toContain('search-key-test')
  })

  it('yandex_image_search returns artifact ids with source URLs and emits the images as an artifact', async ({ expect }) => {
    const { result, events } = await run('/tool yandex_image_search {"query":"tea box"}')
    expect(result.images).toEqual([{ artifact_id: expect.stringMatching(/^[0-9a-f-]{36}$/), url: 'https://img.example/tea.jpg', source_url: 'https://shop.example/tea', title: 'Tea box' }])
    const artifact = events.find((e) => e.type === 'artifact')?.data
    expect(artifact).toMatchObject({ type: 'image_search', query: 'tea box', images: [{ artifact_id: result.images[0].artifact_id, thumbnail_url: 'https://img.example/tea_t.jpg' }] })
    expect((await seen()).find((r) => r.q === 'tea box')?.categories).toBe('images')
    expect((await run('/tool yandex_image_search {"query":"nothing here"}')).result).toEqual({ query: 'nothing here', images: [] })
  })

  it('the Brave Search API speaks its own format and needs its key', async ({ expect }) => {
    const brave = { provider: 'brave' as const, url: fake(), key: 'brave-key' }
    const signal = new AbortController().signal
    expect(await searchWeb(env, brave, 'kettles', 5, signal)).toEqual([{ title: 'Brave hit', snippet: 'Found kettles', url: 'https://brave.example/r' }])
    expect(await searchImages(env, brave, 'kettles', 5, signal)).toEqual([
      { title: 'Pic', image_url: 'https://brave.example/pic.jpg', thumbnail_url: 'https://imgs.brave.example/t.jpg', source_url: 'https://brave.example/page' },
    ])
    expect((await seen()).filter((r) => r.q === 'kettles').map((r) => r.auth)).toEqual(['brave-key', 'brave-key'])
    await expect(searchWeb(env, { ...brave, key: undefined }, 'kettles', 5, signal)).rejects.toThrow('the search provider answered HTTP 401')
  })

  it('configuration decides availability; loopback needs ALLOW_PRIVATE_TARGETS', async ({ expect }) => {
    const entry = getEntry('web_search')
    if (!entry) throw new Error('no web_search')
    const bare = { ...env, SEARCH_URL: undefined, SEARCH_API_KEY: undefined }
    expect(availability(entry, { env: bare, connectors: [], grantedServices: [] })).toEqual({ available: false, reason: 'capability not configured: SEARCH' })
    expect(searchConfig({ ...bare, SEARCH_PROVIDER: 'brave' })).toBeUndefined()
    expect(searchConfig({ ...bare, SEARCH_PROVIDER: 'brave', SEARCH_API_KEY: 'k' })).toEqual({ provider: 'brave', url: 'https://api.search.brave.com', key: 'k' })
    expect(availability(entry, { env, connectors: [], grantedServices: [] })).toEqual({ available: true })
    const strict = { ...env, ALLOW_PRIVATE_TARGETS: undefined }
    await expect(searchWeb(strict, { provider: 'searxng', url: fake(), key: undefined }, 'x', 5, new AbortController().signal)).rejects.toThrow(/search provider refused/)
  })

  it('an org can bring its own provider: key stored encrypted, never shown, used instead of the deployment one', async ({ expect }) => {
    const t = await createTenant('search-org')
    const url = `/v1/organizations/${t.orgId}/search-settings`
    expect((await call('GET', url, { key: t.key })).body).toEqual({ provider: null, url: null, api_key_set: false })
    const bad = await call('PUT', url, { key: t.key, body: { provider: 'brave' } })
    expect(bad.status).toBe(422)
    expect(bad.body.detail[0].loc).toEqual(['body', 'api_key'])
    expect((await call('PUT', url, { key: t.key, body: { provider: 'searxng' } })).body.detail[0].loc).toEqual(['body', 'url'])

    const put = await call('PUT', url, { key: t.key, body: { provider: 'brave', url: fake(), api_key: 'org-brave-key' } })
    expect(put.body).toEqual({ provider: 'brave', url: fake(), api_key_set: true })
    const stored = await env.DB.prepare('SELECT api_key_ciphertext AS c FROM org_search_settings WHERE org_id = ?').bind(t.orgId).first<{ c: string }>()
    expect(stored?.c).not.toContain('org-brave-key')
    expect(JSON.stringify((await call('GET', url, { key: t.key })).body)).not.toContain('org-brave-key')

    const s = await startTurn(t, { message: '/tool web_search {"query":"org kettles"}' })
    await waitTurn(t, s)
    const events = await allEvents(s.turn_id)
    expect(JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result)).results).toEqual([{ title: 'Brave hit', snippet: 'Found org kettles', url: 'https://brave.example/r' }])
    expect((await seen()).filter((r) => r.q === 'org kettles')).toEqual([{ path: '/res/v1/web/search', q: 'org kettles', auth: 'org-brave-key', categories: null }])
    expect(JSON.stringify(events)).not.toContain('org-brave-key')

    const member = await admin('POST', '/users', { email: `m-${crypto.randomUUID()}@example.test` })
    await admin('POST', `/organizations/${t.orgId}/members`, { user_id: member.body.id, role: 'member' })
    const memberKey = (await admin('POST', `/users/${member.body.id}/api-keys`, { name: 'm' })).body.key
    expect((await call('PUT', url, { key: memberKey, body: { provider: null } })).status).toBe(403)
    expect((await call('PUT', url, { key: t.key, body: { provider: null } })).body).toEqual({ provider: null, url: null, api_key_set: false })
  })

  it('the org provider makes the search tools available even when the deployment has none', async ({ expect }) => {
    const entry = getEntry('web_search')
    if (!entry) throw new Error('no web_search')
    const bare = { ...env, SEARCH_URL: undefined, SEARCH_API_KEY: undefined }
    expect(availability(entry, { env: bare, connectors: [], grantedServices: [], orgSearch: true })).toEqual({ available: true })
  })
})
