// The console and /docs in headless Chromium against `npm start` on loopback. One story, in order:
// each step starts from the page the previous one left. Screenshots of failures go to $E2E_SHOTS
// (default: a temp dir, printed); SCREENSHOTS=1 refreshes the README's docs/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, beforeEach, describe, it, onTestFailed } from 'vitest'
import { startServer, type RunningServer } from './server'

const KEY = 'ap_dev_key'
const SHOTS = process.env.E2E_SHOTS ?? join(tmpdir(), 'agentplane-e2e-shots')
const README_SHOTS = process.env.SCREENSHOTS === '1' ? join(process.cwd(), 'docs', 'screenshots') : null

let server: RunningServer
let browser: Browser
let page: Page
const requests: string[] = []
const ids: { agent?: string } = {}

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : null,
  })
  return (await res.json()) as T
}
const text = (selector: string) => page.$eval(selector, (el) => el.textContent ?? '')
const readmeShot = async (name: string) => {
  if (README_SHOTS) await page.screenshot({ path: join(README_SHOTS, `${name}.png`) as `${string}.png` })
}
/** The status of the newest turn once it is one of `statuses`. */
const turnStatus = async (...statuses: string[]) => {
  const sel = statuses.map((s) => `.turn:last-child[data-status="${s}"]`).join(',')
  await page.waitForSelector(sel)
  return page.$eval('.turn:last-child', (el) => el.getAttribute('data-status'))
}
/** Reads a real SSE response up to its `n`th message_delta: those blocks verbatim and the last id. */
async function firstDeltas(res: Response, n: number): Promise<{ blocks: string; lastId: string }> {
  const reader = res.body?.getReader()
  const decoder = new TextDecoder()
  let text = ''
  for (;;) {
    const chunk = await reader?.read()
    if (!chunk || chunk.done) throw new Error('stream ended early')
    text += decoder.decode(chunk.value, { stream: true })
    const blocks = text.split('\n\n')
    const complete = blocks.slice(0, -1)
    if (complete.filter((b) => b.includes('event: message_delta')).length >= n) {
      const kept = complete.slice(0, complete.findIndex((_, i) => complete.slice(0, i + 1).filter((b) => b.includes('event: message_delta')).length === n) + 1)
      const lastId = /^id: (\d+)/m.exec(kept.at(-1) ?? '')?.[1] ?? ''
      return { blocks: `${kept.join('\n\n')}\n\n`, lastId }
    }
  }
}

async function say(message: string) {
  const before = await page.$$eval('.turn', (els) => els.length)
  // A locator waits until the field is attached and stable, then types into it.
  await page.locator('#chat-input').fill(message)
  await page.keyboard.press('Enter')
  await page.waitForFunction((n) => document.querySelectorAll('.turn').length > n, {}, before)
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true })
  if (README_SHOTS) mkdirSync(README_SHOTS, { recursive: true })
  server = await startServer()
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--lang=en-US'],
  })
  page = await browser.newPage()
  page.on('request', (r) => requests.push(r.url()))
  await page.setViewport({ width: 1100, height: 760 })
})

afterAll(async () => {
  await browser?.close()
  server?.stop()
})

beforeEach(({ task }) => {
  onTestFailed(async () => {
    const path = join(SHOTS, `${task.name.replace(/\W+/g, '-')}.png`) as `${string}.png`
    await page.screenshot({ path, fullPage: true })
    console.error(`screenshot of the failure: ${path}`)
  })
})

describe('console in Chromium', () => {
  it('signs in with the keyboard; the key stays out of the URL; the system agent is listed first', async ({ expect }) => {
    await page.goto(`${server.base}/`)
    expect(page.url()).toBe(`${server.base}/console/`)
    await page.waitForSelector('#api-key')
    await page.focus('#api-key')
    await page.keyboard.type('wrong-key')
    await page.keyboard.press('Enter')
    await page.waitForSelector('[role="alert"]')
    await page.$eval('#api-key', (el) => ((el as HTMLInputElement).value = ''))
    await page.type('#api-key', KEY)
    await readmeShot('sign-in')
    await page.keyboard.press('Enter')
    await page.waitForSelector('li[data-agent]')
    expect(await page.$$eval('li[data-agent]', (els) => els.map((e) => e.getAttribute('data-agent'))[0])).toBe('system')
    expect(await page.evaluate(() => sessionStorage.getItem('agentplane.key'))).toBe(KEY)
    expect(requests.some((u) => u.includes(KEY))).toBe(false)
  })

  it('creates an agent', async ({ expect }) => {
    await page.type('#agent-name', 'Browser Agent')
    await page.type('#agent-code', 'browser-agent')
    await page.click('form[aria-labelledby="new-agent-title"] button[type="submit"]')
    await page.waitForFunction(() => document.querySelector('#agent-title')?.textContent?.includes('Browser Agent'))
    ids.agent = page.url().split('#/agents/')[1]
    const agent = await api<{ code: string; model: string }>('GET', `/v1/organizations/1/agents/${ids.agent}`)
    expect(agent).toMatchObject({ code: 'browser-agent', model: 'dev/echo' })
  })

  it('edits the system prompt', async ({ expect }) => {
    await page.type('#p-prompt', 'Answer in one line.')
    await page.click('#agent-title ~ form button[type="submit"]')
    await page.waitForFunction(() => document.querySelector('#agent-title ~ form [role="status"]')?.textContent !== '')
    const agent = await api<{ system_prompt: string; version: number }>('GET', `/v1/organizations/1/agents/${ids.agent}`)
    expect(agent.system_prompt).toBe('Answer in one line.')
    expect(agent.version).toBe(2)
  })

  it('enables a connector, adds a credential for it and grants it read-only; the secret never shows', async ({ expect }) => {
    // An agent sees the credentials of the services its connectors reach (seed 003 /available-credentials).
    await page.click('input[data-connector="wildberries"]')
    await page.waitForSelector('input[data-connector="wildberries"]:checked')
    await page.type('#c-service', 'wildberries')
    await page.type('#c-instance', 'wb_e2e')
    await page.type('#c-label', 'WB e2e')
    await page.type('#c-secret', 'e2e-secret-value')
    await page.click('#c-secret ~ button[type="submit"]')
    await page.waitForSelector('li[data-credential="wb_e2e"] button')
    await page.click('li[data-credential="wb_e2e"] button')
    await page.waitForSelector('li[data-credential="wb_e2e"] .badge.ok')
    await readmeShot('agent')
    const grants = await api<{ items: { scopes: unknown }[] }>('GET', `/v1/organizations/1/agents/${ids.agent}/grants`)
    expect(grants.items.map((g) => g.scopes)).toEqual([{ read: true, write: false }])
    expect(await page.content()).not.toContain('e2e-secret-value')
  })

  it('a chat turn streams its reply token by token, then shows usage and cost', async ({ expect }) => {
    await page.goto(`${server.base}/console/#/chat/${ids.agent}`)
    await page.waitForSelector('#chat-input')
    // Every distinct text the reply showed, recorded in the page as the DOM changes.
    await page.evaluate(() => {
      const seen = new Set<string>()
      Object.assign(window, { seen })
      new MutationObserver(() => {
        const reply = document.querySelector('.turn:last-child .reply')?.textContent
        if (reply) seen.add(reply)
      }).observe(document.body, { subtree: true, childList: true, characterData: true })
    })
    await say('/slow 60 /tokens 12')
    expect(await turnStatus('success', 'error')).toBe('success')
    const seen = await page.evaluate(() => [...(window as unknown as { seen: Set<string> }).seen])
    const full = Array.from({ length: 12 }, (_, i) => `tok${i + 1}`).join(' ')
    expect(await text('.turn:last-child .reply')).toBe(full)
    // Prefixes of the final text, several of them: the words arrived one by one, not at once.
    expect(seen.every((s) => full.startsWith(s))).toBe(true)
    expect(seen.length).toBeGreaterThanOrEqual(4)
    await page.waitForFunction(() => document.querySelector('.turn:last-child .meta')?.textContent?.includes('$'))
    expect(await text('.turn:last-child .meta')).toMatch(/^success · \d+ tokens · \$0\.\d{6}/)
  })

  it('answers an /ask interrupt in place', async ({ expect }) => {
    await say('/ask Which marketplace?')
    await page.waitForSelector('.turn:last-child .question')
    expect(await text('.turn:last-child .question label')).toContain('Which marketplace?')
    await readmeShot('chat-interrupt')
    await page.type('.turn:last-child .question input', 'Ozon')
    await page.keyboard.press('Enter')
    expect(await turnStatus('success', 'error')).toBe('success')
    expect(await text('.turn:last-child .reply')).toBe('Thanks, you answered: Ozon')
    expect(await page.$('.turn:last-child .question')).toBeNull()
    expect(await text('.turn:last-child details.tool summary')).toContain('request_form')
  })

  it('renders a KPI artifact from render_visual', async ({ expect }) => {
    await say('/tool render_visual {"kind":"kpi","title":"Week","data":{"orders":42,"returns":3}}')
    expect(await turnStatus('success', 'error')).toBe('success')
    expect(await page.$$eval('.turn:last-child .kpi-value', (els) => els.map((e) => e.textContent))).toEqual(['42', '3'])
  })

  it('cancels a turn while it streams', async ({ expect }) => {
    await say('/slow 300 /tokens 200')
    await page.waitForFunction(() => (document.querySelector('.turn:last-child .reply')?.textContent ?? '').includes('tok2'))
    // By keyboard: the growing reply moves the button between a mouse click's scroll and its press.
    await page.focus('.turn:last-child .meta button')
    await page.keyboard.press('Enter')
    expect(await turnStatus('cancelled', 'success', 'error')).toBe('cancelled')
    expect(await text('.turn:last-child .reply')).not.toContain('tok200')
  })

  it('after a dropped stream it reconnects with Last-Event-ID: no token lost, none twice', async ({ expect }) => {
    // The first stream request is answered with the real stream's first events, then closed without
    // `done`, as a dropped connection looks to the page; later requests reach the server untouched.
    let cutAt = ''
    const resumedFrom: string[] = []
    const onRequest = async (r: HTTPRequest) => {
      const isStream = /\/turns\/[^/]+\/stream$/.test(r.url())
      if (isStream && r.headers()['last-event-id']) resumedFrom.push(r.headers()['last-event-id'] ?? '')
      if (!isStream || cutAt) return r.continue()
      const abort = new AbortController()
      const real = await fetch(r.url(), { headers: { authorization: `Bearer ${KEY}` }, signal: abort.signal })
      const { blocks, lastId } = await firstDeltas(real, 3)
      abort.abort()
      cutAt = lastId
      return r.respond({ status: 200, contentType: 'text/event-stream', body: blocks })
    }
    await page.setRequestInterception(true)
    page.on('request', onRequest)
    try {
      await say('/slow 100 /tokens 30')
      expect(await turnStatus('success', 'error')).toBe('success')
    } finally {
      page.off('request', onRequest)
      await page.setRequestInterception(false)
    }
    expect(cutAt).not.toBe('')
    expect(resumedFrom[0]).toBe(cutAt)
    expect(await text('.turn:last-child .reply')).toBe(Array.from({ length: 30 }, (_, i) => `tok${i + 1}`).join(' '))
    expect(await page.$('.chat .warn')).toBeNull()
  })

  it('the runs list shows every turn with its cost, and filters by status', async ({ expect }) => {
    await page.goto(`${server.base}/console/#/runs`)
    await page.waitForSelector('tr[data-run]')
    const rows = await page.$$eval('tr[data-run]', (trs) => trs.map((tr) => ({ id: tr.getAttribute('data-run'), cost: tr.querySelector('.cost')?.textContent })))
    const runs = await api<{ items: { id: string; costs: { total: number } }[] }>('GET', '/v1/organizations/1/runs?limit=50')
    expect(rows.map((r) => r.id)).toEqual(runs.items.map((r) => r.id))
    expect(rows.length).toBe(5)
    for (const run of runs.items) expect(rows.find((r) => r.id === run.id)?.cost).toBe(`$${run.costs.total.toFixed(6)}`)
    expect(runs.items.some((r) => r.costs.total > 0)).toBe(true)
    await readmeShot('runs')
    await page.select('.filters label:first-child select', 'cancelled')
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 1)
    expect(await text('tr[data-run] .status')).toBe('cancelled')
  })

  it('a run page shows its event timeline', async ({ expect }) => {
    await page.select('.filters label:first-child select', '')
    await page.waitForFunction(() => document.querySelectorAll('tr[data-run]').length === 5)
    await page.click('tr[data-run]:last-child a')
    await page.waitForFunction(() => [...document.querySelectorAll('.timeline strong')].some((s) => s.textContent === 'done'))
    const types = await page.$$eval('.timeline strong', (els) => els.map((e) => e.textContent))
    expect(types).toEqual(expect.arrayContaining(['message_delta', 'message', 'usage', 'done']))
  })

  it('usage shows this month against the budget', async ({ expect }) => {
    const admin = /^ADMIN_TOKEN=(.+)$/m.exec(readFileSync('.dev.vars', 'utf8'))?.[1] ?? ''
    const patched = await fetch(`${server.base}/admin/organizations/1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ monthly_budget_usd: 1 }),
    })
    expect(patched.status).toBe(200)
    const usage = await api<{ spent_usd: number }>('GET', '/v1/organizations/1/usage')
    await page.goto(`${server.base}/console/#/usage`)
    await page.waitForSelector('meter.budget')
    expect(await text('.budget-usd')).toBe('$1.00')
    expect(await text('.spent')).toBe(`$${usage.spent_usd.toFixed(6)}`)
    expect(await page.$eval('meter.budget', (m) => (m as HTMLMeterElement).value)).toBeCloseTo(usage.spent_usd, 9)
    // One bar per day that has runs.
    const runs = await api<{ items: { created_at: string }[] }>('GET', '/v1/organizations/1/runs?limit=100')
    await page.waitForSelector('svg.chart rect')
    expect(await page.$$eval('svg.chart rect', (rs) => rs.length)).toBe(new Set(runs.items.map((r) => r.created_at.slice(5, 10))).size)
    await fetch(`${server.base}/admin/organizations/1`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ monthly_budget_usd: null }),
    })
  })

  it('the agent page lists its AgentInstance runs, searchable', async ({ expect }) => {
    await page.goto(`${server.base}/console/#/agents/${ids.agent}`)
    await page.waitForFunction(() => document.querySelectorAll('tr[data-instance]').length === 5)
    await page.type('#instances-search', 'which marketplace')
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.querySelectorAll('tr[data-instance]').length === 1)
    expect(await text('tr[data-instance] td')).toBe('/ask Which marketplace?')
  })

  it('schedules show their executions; webhooks are listed', async ({ expect }) => {
    const schedule = await api<{ id: string }>('POST', '/v1/organizations/1/schedules', {
      agent_id: ids.agent,
      name: 'Morning report',
      input: '/tokens 3',
      cron: '0 9 * * 1-5',
      timezone: 'Europe/Moscow',
    })
    const run = await api<{ id: string }>('POST', `/v1/organizations/1/schedules/${schedule.id}/run`)
    await api('POST', '/v1/organizations/1/webhooks', { url: 'http://127.0.0.1:9/agentplane', event_types: ['run.succeeded'] })
    await page.goto(`${server.base}/console/#/automation`)
    await page.waitForSelector(`li[data-schedule="${schedule.id}"]`)
    expect(await text(`li[data-schedule="${schedule.id}"] code`)).toBe('0 9 * * 1-5')
    await page.click(`li[data-schedule="${schedule.id}"] summary`)
    await page.waitForSelector(`li[data-schedule="${schedule.id}"] a[href="#/runs/${run.id}"]`)
    expect(await text('li[data-webhook] .url')).toBe('http://127.0.0.1:9/agentplane')
    await readmeShot('automation')
  })

  it('speaks Russian, and fits a 360 px screen', async ({ expect }) => {
    await page.select('.lang select', 'ru')
    await page.waitForFunction(() => document.querySelector('nav')?.textContent?.includes('Агенты'))
    await page.setViewport({ width: 360, height: 740 })
    const screens = {
      '#/agents': '#agents-title',
      [`#/agents/${ids.agent}`]: '#cred-title',
      [`#/chat/${ids.agent}`]: '#chat-title',
      '#/runs': 'tr[data-run]',
      '#/usage': 'meter',
      '#/automation': 'li[data-schedule]',
    }
    for (const [route, ready] of Object.entries(screens)) {
      await page.goto(`${server.base}/console/${route}`)
      await page.waitForSelector(ready)
      // Wide tables scroll inside their own box; the page itself never scrolls sideways.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(360)
    }
    expect(await text('main h1')).toBe('Расписания и вебхуки')
    await page.goto(`${server.base}/console/#/chat/${ids.agent}`)
    await page.waitForSelector('#chat-input')
    await say('Привет')
    await turnStatus('success')
    await page.waitForFunction(() => document.querySelector('.turn:last-child .meta')?.textContent?.includes('$'))
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360)
    await readmeShot('chat-360-ru')
    await page.setViewport({ width: 1100, height: 760 })
  })
})

describe('a key that stops working', () => {
  it('sends the next screen back to sign-in and forgets the key', async ({ expect }) => {
    await page.goto(`${server.base}/console/#/agents`)
    await page.waitForSelector('li[data-agent]')
    await page.evaluate(() => sessionStorage.setItem('agentplane.key', 'ap_revoked'))
    await page.goto(`${server.base}/console/#/runs`)
    await page.waitForSelector('#api-key')
    expect(await page.evaluate(() => sessionStorage.getItem('agentplane.key'))).toBeNull()
    // Nothing of the signed-in screens is left on the page.
    expect(await page.$$('nav, #runs-title, li[data-agent]')).toEqual([])
    await page.type('#api-key', KEY)
    await page.keyboard.press('Enter')
    await page.waitForSelector('#runs-title')
  })
})

describe('artifacts in Chromium', () => {
  it('renders a render_visual bar chart and message_compose variants', async ({ expect }) => {
    await page.goto(`${server.base}/console/#/chat/${ids.agent}`)
    await page.waitForSelector('#chat-input')
    await say('/tool render_visual {"kind":"chart","title":"Sales","data":{"labels":["Mon","Tue","Wed"],"values":[5,10,2]}}')
    expect(await turnStatus('success', 'error')).toBe('success')
    const heights = await page.$$eval('.turn:last-child svg.chart rect', (rs) => rs.map((r) => Number(r.getAttribute('height'))))
    expect(heights).toEqual([50, 100, 20])
    await say('/tool message_compose {"variants":["Добрый день!","Здравствуйте!"]}')
    expect(await turnStatus('success', 'error')).toBe('success')
    expect(await page.$$eval('.turn:last-child .compose textarea', (ts) => ts.map((t) => (t as HTMLTextAreaElement).value))).toEqual(['Добрый день!', 'Здравствуйте!'])
    await say('/tool render_map {"title":"Склады","points":[{"lat":55.75,"lon":37.62,"label":"Москва"},{"lat":59.94,"lon":30.31,"label":"Санкт-Петербург"}]}')
    expect(await turnStatus('success', 'error')).toBe('success')
    const pins = await page.$$eval('.turn:last-child svg.map circle', (cs) => cs.map((c) => [c.getAttribute('data-lat'), Number(c.getAttribute('cx')) < 150]))
    expect(pins).toEqual([
      ['55.75', false],
      ['59.94', true],
    ])
  })
})

describe('/docs in Chromium', () => {
  it('renders every dialect from the bundled script, with no request off this machine', async ({ expect }) => {
    requests.length = 0
    await page.goto(`${server.base}/docs`)
    // biome-ignore lint/performance/useDomNodeTextContent: the rendered text is what a reader sees (textContent includes hidden nodes)
    await page.waitForFunction(() => document.body.innerText.includes('Agent Connect Protocol 0.2.3'), { timeout: 30_000 })
    // biome-ignore lint/performance/useDomNodeTextContent: as above
    expect(await page.evaluate(() => document.body.innerText.includes('AgentInstance'))).toBe(true)
    await readmeShot('docs')
    const offMachine = requests.filter((u) => !u.startsWith(server.base) && !u.startsWith('data:') && !u.startsWith('blob:'))
    expect(offMachine).toEqual([])
  })
})
