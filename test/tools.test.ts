import { describe, it } from 'vitest'
import { refusedTarget } from '../workers/lib/net-guard'
import { checkFrontmatter } from '../workers/runtime/tools/memory'
import { readableText } from '../workers/runtime/tools/web-fetch'
import { call, createTenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const toolResult = async (runId: string) => (await allEvents(runId)).find((e) => e.type === 'tool_result')?.data.result

describe('tool round trips through the loop', () => {
  it('render_visual: tool_call → artifact → tool_result → model reply', async ({ expect }) => {
    const t = await createTenant('tools')
    const s = await startTurn(t, { message: '/tool render_visual {"kind":"chart","title":"Sales","data":{"jan":1}}' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', output: 'Tool render_visual returned: [VISUAL] rendered chart "Sales"' })
    const types = (await allEvents(s.turn_id)).map((e) => e.type)
    expect(types.filter((x) => ['tool_call', 'artifact', 'tool_result', 'message'].includes(x))).toEqual(['message', 'tool_call', 'artifact', 'tool_result', 'message'])
  })

  it('message_compose emits a typed artifact; bad arguments come back to the model as an error', async ({ expect }) => {
    const t = await createTenant('compose')
    const ok = await startTurn(t, { message: '/tool message_compose {"variants":["Hi!","Hello there"]}' })
    await waitTurn(t, ok)
    expect((await allEvents(ok.turn_id)).find((e) => e.type === 'artifact')?.data).toEqual({ type: 'message_compose', variants: ['Hi!', 'Hello there'], channel: null })
    const bad = await startTurn(t, { message: '/tool message_compose {"variants":["only one"]}' })
    expect((await waitTurn(t, bad)).status).toBe('success')
    expect(JSON.parse(String(await toolResult(bad.turn_id)))).toMatchObject({ error: 'invalid arguments' })
  })

  it('exit ends the run with its answer', async ({ expect }) => {
    const t = await createTenant('exit')
    const s = await startTurn(t, { message: '/tool exit {"answer":"All done."}' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success', output: 'All done.' })
  })

  it('render_map emits a map artifact centred on its points', async ({ expect }) => {
    const t = await createTenant('map')
    const s = await startTurn(t, { message: '/tool render_map {"title":"Depots","points":[{"lat":50,"lon":30,"label":"A"},{"lat":52,"lon":32,"label":"B","description":"main"}],"zoom":6}' })
    expect((await waitTurn(t, s)).status).toBe('success')
    expect((await allEvents(s.turn_id)).find((e) => e.type === 'artifact')?.data).toEqual({
      type: 'render_map',
      title: 'Depots',
      tiles: 'openstreetmap',
      center: { lat: 51, lon: 31 },
      zoom: 6,
      points: [
        { lat: 50, lon: 30, label: 'A', description: null },
        { lat: 52, lon: 32, label: 'B', description: 'main' },
      ],
    })
    const bad = await startTurn(t, { message: '/tool render_map {"title":"X","points":[{"lat":91,"lon":0,"label":"pole"}]}' })
    await waitTurn(t, bad)
    expect(JSON.parse(String(await toolResult(bad.turn_id)))).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['points', '0', 'lat'] }] })
  })

  it('exit delivers its files as an artifact next to the answer', async ({ expect }) => {
    const t = await createTenant('exit-files')
    const s = await startTurn(t, { message: '/tool exit {"answer":"Report ready.","files":["reports/weekly.csv","chart.png"]}' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success', output: 'Report ready.' })
    expect((await allEvents(s.turn_id)).filter((e) => e.type === 'artifact').map((e) => e.data)).toEqual([{ type: 'files', files: [{ path: 'reports/weekly.csv' }, { path: 'chart.png' }] }])
  })

  it('request_form connect pauses until the org connects the service, then resumes by itself', async ({ expect }) => {
    const t = await createTenant('connect')
    const ozon = await startTurn(t, { message: '/tool request_form {"question":"Please connect your Ozon account","connect":"ozon"}' })
    const paused = await waitTurn(t, ozon)
    expect(paused.status).toBe('interrupted')
    expect(JSON.stringify(paused)).toContain('integration_connect')
    const slack = await startTurn(t, { message: '/tool request_form {"question":"Connect Slack","connect":"slack"}' })
    expect((await waitTurn(t, slack)).status).toBe('interrupted')

    const cred = await call('POST', `/v1/organizations/${t.orgId}/credentials`, { key: t.key, body: { service_name: 'ozon', instance_id: 'main', secret: '{"client_id":"1","api_key":"tok"}' } })
    expect(cred.status).toBe(201)
    expect(await waitTurn(t, ozon)).toMatchObject({ status: 'success', output: `Thanks, you answered: connected: ozon (credential ${cred.body.id})` })
    expect((await waitTurn(t, slack, 1)).status).toBe('interrupted')

    // Already connected: no pause at all. An unknown connector is an error the model sees.
    const again = await startTurn(t, { message: '/tool request_form {"question":"Connect Ozon","connect":"ozon"}' })
    expect(await waitTurn(t, again)).toMatchObject({ status: 'success' })
    expect(await toolResult(again.turn_id)).toBe(`connected: ozon (credential ${cred.body.id} already exists)`)
    const unknown = await startTurn(t, { message: '/tool request_form {"question":"?","connect":"myspace"}' })
    await waitTurn(t, unknown)
    expect(JSON.parse(String(await toolResult(unknown.turn_id))).error).toMatch(/unknown connector "myspace"/)
  })

  it('web_fetch refuses loopback, private and link-local targets', async ({ expect }) => {
    const t = await createTenant('fetch')
    const s = await startTurn(t, { message: '/tool web_fetch {"url":"http://169.254.169.254/latest/meta-data"}' })
    expect((await waitTurn(t, s)).status).toBe('success')
    expect(JSON.parse(String(await toolResult(s.turn_id))).error).toMatch(/^refused http:\/\/169\.254\.169\.254\/latest\/meta-data: 169\.254\.169\.254 is not a global unicast address$/)
  })

  it('memory: write needs frontmatter with title and source; a later turn reads it back', async ({ expect }) => {
    const t = await createTenant('memory')
    const noFm = await startTurn(t, { message: '/tool manage_memory {"action":"write","path":"prefs.md","content":"likes tea"}' })
    await waitTurn(t, noFm)
    expect(JSON.parse(String(await toolResult(noFm.turn_id))).error).toMatch(/frontmatter/)
    const content = '---\\ntitle: Prefs\\nsource: chat\\n---\\nlikes tea'
    const write = await startTurn(t, { message: `/tool manage_memory {"action":"write","path":"prefs.md","content":"${content}"}` })
    await waitTurn(t, write)
    expect(JSON.parse(String(await toolResult(write.turn_id)))).toEqual({ ok: true, path: 'prefs.md' })
    const read = await startTurn(t, { message: '/tool read_memory {"action":"read","path":"prefs.md"}' })
    await waitTurn(t, read)
    expect(JSON.parse(String(await toolResult(read.turn_id)))).toEqual([{ path: 'prefs.md', content: '---\ntitle: Prefs\nsource: chat\n---\nlikes tea' }])
  })
})

describe('tool building blocks', () => {
  it('refusedTarget', ({ expect }) => {
    for (const bad of [
      'http://127.0.0.1/',
      'http://localhost:8787',
      'http://10.1.2.3',
      'http://192.168.0.1',
      'http://172.20.0.1',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://169.254.169.254/',
      'file:///etc/passwd',
      'http://0.0.0.0',
      'http://x.internal/',
      'http://[::ffff:127.0.0.1]/',
      'http://user:pw@example.com/',
    ]) {
      expect(refusedTarget(bad), bad).toBeDefined()
    }
    for (const good of ['https://example.com/a', 'http://93.184.216.34/', 'https://[2606:4700::1111]/']) expect(refusedTarget(good), good).toBeUndefined()
  })

  it('readableText drops scripts and tags', ({ expect }) => {
    expect(readableText('<html><head><title>x</title></head><body><script>evil()</script><h1>Hi &amp; bye</h1><p>one<br>two</p></body></html>')).toBe('Hi & bye\none\ntwo')
  })

  it('checkFrontmatter', ({ expect }) => {
    expect(checkFrontmatter('---\ntitle: A\nsource: B\n---\nbody')).toBeUndefined()
    expect(checkFrontmatter('---\ntitle: A\n---\n')).toMatch(/source/)
    expect(checkFrontmatter('no frontmatter')).toMatch(/frontmatter/)
  })
})
