import puppeteer, { type Browser, type HTTPRequest, type Page } from '@cloudflare/puppeteer'
import type { Env } from '../env'
import { outboundRefusal } from '../lib/net-guard'
import type { RunSpec } from '../runs/types'
import { filesOf } from './media'
import { ToolError } from './tools/types'

/**
 * One Browser Rendering session per run, kept across tool calls: the session id and the run's own
 * browser context are remembered in R2 (a call may land on another isolate), and each call
 * reconnects. The session ends with the `close` action or when Browser Rendering's keep_alive
 * passes without a call (its TTL: 10 minutes, the service's maximum).
 */
export const KEEP_ALIVE_MS = 600_000

interface SessionRecord {
  sessionId: string
  contextId: string
}

export interface BrowserPage {
  browser: Browser
  page: Page
  /** True when the run's earlier session had expired and this call started a new one. */
  fresh: boolean
}

const recordKey = (spec: RunSpec) => `orgs/${spec.org_id}/runs/${spec.run_id}/browser.json`

export function browserOf(env: Env): Fetcher {
  if (!env.BROWSER) throw new ToolError('capability not configured: BROWSER')
  return env.BROWSER
}

/** Every top-level navigation (typed, clicked, redirected, scripted) passes the outbound guard. */
async function guard(env: Env, page: Page): Promise<void> {
  await page.setRequestInterception(true)
  page.on('request', (req: HTTPRequest) => {
    const refused = req.isNavigationRequest() && req.frame() === page.mainFrame() ? outboundRefusal(env, req.url()) : undefined
    ;(refused ? req.abort('blockedbyclient') : req.continue()).catch(() => undefined)
  })
}

async function reconnect(env: Env, record: SessionRecord): Promise<BrowserPage | undefined> {
  let browser: Browser
  try {
    browser = await puppeteer.connect(browserOf(env), record.sessionId)
  } catch {
    return undefined // expired or in use elsewhere: a new session follows
  }
  const context = browser.browserContexts().find((c) => c.id === record.contextId)
  const page = context ? (await context.pages())[0] : undefined
  if (!page) {
    await browser.disconnect()
    return undefined
  }
  await guard(env, page)
  return { browser, page, fresh: false }
}

/** The run's page: its session reconnected, or a new session with a new context and page. */
export async function openPage(env: Env, spec: RunSpec): Promise<BrowserPage> {
  const files = filesOf(env)
  const stored = await files.get(recordKey(spec))
  const record = stored ? await stored.json<SessionRecord>() : undefined
  const existing = record ? await reconnect(env, record) : undefined
  if (existing) return existing
  const browser = await puppeteer.launch(browserOf(env), { keep_alive: KEEP_ALIVE_MS })
  const context = await browser.createBrowserContext()
  const page = await context.newPage()
  await page.setViewport({ width: 1280, height: 800 })
  await guard(env, page)
  const sessionId = browser.sessionId()
  await files.put(recordKey(spec), JSON.stringify({ sessionId, contextId: context.id ?? '' } satisfies SessionRecord))
  return { browser, page, fresh: record !== undefined }
}

/** Ends the run's session: its context, the browser session and the record. */
export async function closeSession(env: Env, spec: RunSpec, open: BrowserPage): Promise<void> {
  await open.page
    .browserContext()
    .close()
    .catch(() => undefined)
  await open.browser.close()
  await filesOf(env).delete(recordKey(spec))
}
