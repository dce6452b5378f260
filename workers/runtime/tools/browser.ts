import { z } from 'zod'
import type { Page } from '@cloudflare/puppeteer'
import { outboundRefusal } from '../../lib/net-guard'
import { type BrowserPage, closeSession, openPage } from '../browser'
import { artifactEvent, bytesBase64, loadSource, putArtifact } from '../media'
import { defineTool, type ToolContext, ToolError } from './types'

// Page-side code is sent as source text: a bundler's helpers inside a function would not exist in
// the page (puppeteer serialises functions with toString).
/** Tags interactive elements with data-ap-ref (stable across calls) and reads the page. */
const SNAPSHOT = `(() => {
  const sel = 'a[href], button, input, select, textarea, [role=button], [role=link], [contenteditable=true]'
  let n = Number(document.documentElement.dataset.apNext || 0)
  const elements = []
  for (const el of document.querySelectorAll(sel)) {
    if (el.type === 'hidden') continue
    if (!el.dataset.apRef) el.dataset.apRef = 'e' + (++n)
    const label = (el.labels && el.labels[0] && el.labels[0].childNodes[0] && el.labels[0].childNodes[0].textContent) || ''
    const name = (el.getAttribute('aria-label') || label || (el.tagName === 'INPUT' ? '' : el.innerText) || el.name || el.placeholder || '').trim().slice(0, 100)
    const item = { ref: el.dataset.apRef, tag: el.tagName.toLowerCase(), name }
    if (el.type && el.tagName !== 'BUTTON') item.type = el.type
    if ('value' in el && el.tagName !== 'BUTTON' && el.type !== 'file') item.value = String(el.value).slice(0, 200)
    if (el.tagName === 'SELECT') item.options = [...el.options].map((o) => o.value)
    if (el.href) item.href = el.href
    elements.push(item)
    if (elements.length >= 200) break
  }
  document.documentElement.dataset.apNext = String(n)
  return { url: location.href, title: document.title, text: document.body ? document.body.innerText.slice(0, 8000) : '', elements }
})()`

/** Sets a field's value the way a user would (frameworks listen to input/change). */
const fillScript = (ref: string, value: string) => `(() => {
  const el = document.querySelector('[data-ap-ref=${JSON.stringify(ref)}]')
  const proto = el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype
  Object.getOwnPropertyDescriptor(proto, 'value').set.call(el, ${JSON.stringify(value)})
  el.dispatchEvent(new Event('input', { bubbles: true }))
  el.dispatchEvent(new Event('change', { bubbles: true }))
})()`

/** Puts a file into an <input type=file> through DataTransfer: a Worker has no file system to upload from. */
const uploadScript = (ref: string, b64: string, name: string, type: string) => `(() => {
  const el = document.querySelector('[data-ap-ref=${JSON.stringify(ref)}]')
  const bytes = Uint8Array.from(atob(${JSON.stringify(b64)}), (c) => c.charCodeAt(0))
  const dt = new DataTransfer()
  dt.items.add(new File([bytes], ${JSON.stringify(name)}, { type: ${JSON.stringify(type)} }))
  el.files = dt.files
  el.dispatchEvent(new Event('input', { bubbles: true }))
  el.dispatchEvent(new Event('change', { bubbles: true }))
})()`

const MAX_UPLOAD_BYTES = 5 * 1024 * 1024
const NEEDS: Record<string, ('url' | 'ref' | 'text' | 'value' | 'source')[]> = {
  navigate: ['url'],
  click: ['ref'],
  fill: ['ref', 'value'],
  type: ['text'],
  select: ['ref', 'value'],
  upload_file: ['ref', 'source'],
}

const BrowserSchema = z
  .object({
    action: z.enum(['navigate', 'snapshot', 'click', 'fill', 'type', 'select', 'upload_file', 'screenshot', 'close']),
    url: z.string().min(1).max(2000).optional(),
    /** An element ref from the last snapshot (e1, e2…). */
    ref: z
      .string()
      .regex(/^e\d{1,6}$/, 'an element ref from a snapshot, like e3')
      .optional(),
    text: z.string().max(10_000).optional(),
    value: z.string().max(10_000).optional(),
    /** upload_file: artifact:<id>, document:<id> or a URL. */
    source: z.string().min(1).max(2000).optional(),
    full_page: z.boolean().optional(),
  })
  .superRefine((args, ctx) => {
    for (const field of NEEDS[args.action] ?? []) if (args[field] === undefined) ctx.addIssue({ code: 'custom', path: [field], message: `required for ${args.action}` })
  })
type BrowserArgs = z.infer<typeof BrowserSchema>

async function element(page: Page, ref: string) {
  const el = await page.$(`[data-ap-ref="${ref}"]`)
  if (!el) throw new ToolError(`ref: no element ${ref} on the page; take a snapshot for current refs`)
  return el
}

/** Lets a click's navigation or requests settle; a page that never goes idle is read as it is. */
async function settle(page: Page): Promise<void> {
  await page.waitForNetworkIdle({ idleTime: 250, timeout: 5000 }).catch(() => undefined)
  await page.waitForFunction('document.readyState !== "loading"', { timeout: 5000 }).catch(() => undefined)
}

async function snapshot(page: Page): Promise<unknown> {
  try {
    return await page.evaluate(SNAPSHOT)
  } catch {
    await settle(page) // the page navigated while being read
    return page.evaluate(SNAPSHOT)
  }
}

async function act(args: BrowserArgs, ctx: ToolContext, { page }: BrowserPage): Promise<Record<string, unknown>> {
  const ref = args.ref ?? ''
  switch (args.action) {
    case 'navigate': {
      const url = args.url ?? ''
      const refused = outboundRefusal(ctx.env, url)
      if (refused) throw new ToolError(`url: refused: ${refused}`)
      const res = await page.goto(url, { waitUntil: 'domcontentloaded', timeout: 30_000 })
      return { status: res?.status() ?? null }
    }
    case 'snapshot':
      return {}
    case 'click':
      await (await element(page, ref)).click()
      await settle(page)
      return {}
    case 'fill':
      await element(page, ref)
      await page.evaluate(fillScript(ref, args.value ?? ''))
      return {}
    case 'type':
      if (args.ref) await (await element(page, ref)).focus()
      await page.keyboard.type(args.text ?? '')
      await settle(page)
      return {}
    case 'select': {
      await element(page, ref)
      const picked = await page.select(`[data-ap-ref="${ref}"]`, args.value ?? '')
      if (!picked.length) throw new ToolError(`value: "${args.value}" is not an option of ${ref}`)
      return {}
    }
    case 'upload_file': {
      const media = await loadSource(ctx.env, ctx.spec, args.source ?? '', ctx.signal)
      if (media.bytes.byteLength > MAX_UPLOAD_BYTES) throw new ToolError('source: larger than 5 MiB')
      await element(page, ref)
      await page.evaluate(uploadScript(ref, bytesBase64(media.bytes), media.name, media.contentType))
      await settle(page)
      return { uploaded: media.name }
    }
    case 'screenshot': {
      const bytes = new Uint8Array(await page.screenshot({ type: 'png', fullPage: args.full_page ?? false }))
      const title = await page.title()
      const artifact = await putArtifact(ctx.env, ctx.spec, { bytes, contentType: 'image/png', name: `screenshot-${Date.now()}.png` })
      await ctx.emit('artifact', artifactEvent('browser_screenshot', artifact, { page_url: page.url(), title }))
      return { artifact: { artifact_id: artifact.artifact_id, url: artifact.url } }
    }
    case 'close':
      return {}
  }
}

export const browserInteract = defineTool({
  name: 'browser_interact',
  input: BrowserSchema,
  run: async (args, ctx) => {
    const open = await openPage(ctx.env, ctx.spec)
    let closed = false
    try {
      if (args.action === 'close') {
        await closeSession(ctx.env, ctx.spec, open)
        closed = true
        return { kind: 'result', result: JSON.stringify({ action: 'close', ok: true }) }
      }
      let extra: Record<string, unknown>
      try {
        extra = await act(args, ctx, open)
      } catch (err) {
        if (err instanceof ToolError) throw err
        throw new ToolError(`${args.action} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`)
      }
      const page = args.action === 'screenshot' ? undefined : await snapshot(open.page)
      const note = open.fresh ? { note: 'the earlier browser session had expired: this is a new one, on a blank page' } : {}
      return { kind: 'result', result: JSON.stringify({ action: args.action, ok: true, ...extra, ...note, ...(page ? { page } : {}) }) }
    } finally {
      if (!closed) await open.browser.disconnect().catch(() => undefined)
    }
  },
})
