import { z } from 'zod'
import type { Db } from '../app-env'
import { orgSearchProvider } from '../db/search-settings'
import type { Env } from '../env'
import { guardedFetch, OutboundRefused } from '../lib/net-guard'
import { ToolError } from './tools/types'

/**
 * The search provider of this deployment: a SearXNG instance (SEARCH_URL, its JSON API; a key is
 * sent as a Bearer token when set) or the Brave Search API (SEARCH_API_KEY; SEARCH_URL defaults to
 * https://api.search.brave.com). Unset: web_search and yandex_image_search are unavailable.
 */
export interface SearchConfig {
  provider: 'searxng' | 'brave'
  url: string
  key: string | undefined
}

/** The org's own provider (its key decrypted) when it has one, else the deployment's. */
export async function resolveSearch(env: Env, db: Db, orgId: number): Promise<SearchConfig | undefined> {
  const org = await orgSearchProvider(db, orgId, env.ENCRYPTION_KEY)
  if (org) return { provider: org.provider, url: org.url ?? BRAVE_URL, key: org.key }
  return searchConfig(env)
}

const BRAVE_URL = 'https://api.search.brave.com'

export function searchConfig(env: Env): SearchConfig | undefined {
  const provider = env.SEARCH_PROVIDER ?? 'searxng'
  if (provider === 'brave') return env.SEARCH_API_KEY ? { provider, url: env.SEARCH_URL ?? BRAVE_URL, key: env.SEARCH_API_KEY } : undefined
  if (provider === 'searxng' && env.SEARCH_URL) return { provider, url: env.SEARCH_URL, key: env.SEARCH_API_KEY }
  return undefined
}

export interface WebResult {
  title: string
  snippet: string
  url: string
}

export interface ImageResult {
  title: string
  image_url: string
  thumbnail_url: string | null
  source_url: string
}

const text = (s: string | null | undefined) =>
  (s ?? '')
    .replace(/<[^>]+>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/\s+/g, ' ')
    .trim()
const httpUrl = z.url({ protocol: /^https?$/ })

const SearxngSchema = z.object({
  results: z.array(z.object({ url: z.string(), title: z.string().nullish(), content: z.string().nullish(), img_src: z.string().nullish(), thumbnail_src: z.string().nullish() }).loose()).default([]),
})
const BraveWebSchema = z.object({
  web: z
    .object({ results: z.array(z.object({ url: z.string(), title: z.string().nullish(), description: z.string().nullish() }).loose()) })
    .loose()
    .optional(),
})
const BraveImagesSchema = z.object({
  results: z
    .array(
      z
        .object({
          url: z.string(),
          title: z.string().nullish(),
          thumbnail: z.object({ src: z.string().nullish() }).loose().nullish(),
          properties: z.object({ url: z.string().nullish() }).loose().nullish(),
        })
        .loose(),
    )
    .default([]),
})

async function getJson(env: Env, cfg: SearchConfig, url: URL, signal: AbortSignal): Promise<unknown> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (cfg.key) headers[cfg.provider === 'brave' ? 'x-subscription-token' : 'authorization'] = cfg.provider === 'brave' ? cfg.key : `Bearer ${cfg.key}`
  let res: Response
  try {
    // No redirects: a search API answers in place, and a hop elsewhere must not carry the key.
    res = await guardedFetch(env, url.toString(), { headers, signal }, { maxRedirects: 0 })
  } catch (err) {
    if (err instanceof OutboundRefused) throw new ToolError(`search provider refused: ${err.message}`)
    throw err
  }
  // The status only: a provider's error body may echo the request, key included.
  if (!res.ok) {
    await res.body?.cancel()
    throw new ToolError(`the search provider answered HTTP ${res.status}`)
  }
  try {
    return await res.json()
  } catch {
    throw new ToolError('the search provider answered with invalid JSON')
  }
}

const parsed = <T>(schema: z.ZodType<T>, body: unknown): T => {
  const r = schema.safeParse(body)
  if (!r.success) throw new ToolError('the search provider answered in an unexpected shape')
  return r.data
}

/** Keeps the first (best-ranked) of each key. */
const unique = <T>(xs: T[], key: (x: T) => string) => {
  const seen = new Set<string>()
  return xs.filter((x) => !seen.has(key(x)) && seen.add(key(x)))
}

/** Web results, normalised to {title, snippet, url}: public http(s) URLs only, deduplicated. */
export async function searchWeb(env: Env, cfg: SearchConfig, query: string, count: number, signal: AbortSignal): Promise<WebResult[]> {
  const url = new URL(cfg.provider === 'brave' ? '/res/v1/web/search' : '/search', cfg.url)
  url.searchParams.set('q', query)
  let results: WebResult[]
  if (cfg.provider === 'brave') {
    url.searchParams.set('count', String(count))
    results = (parsed(BraveWebSchema, await getJson(env, cfg, url, signal)).web?.results ?? []).map((r) => ({ title: text(r.title), snippet: text(r.description), url: r.url }))
  } else {
    url.searchParams.set('format', 'json')
    results = parsed(SearxngSchema, await getJson(env, cfg, url, signal)).results.map((r) => ({ title: text(r.title), snippet: text(r.content), url: r.url }))
  }
  return unique(
    results.filter((r) => httpUrl.safeParse(r.url).success),
    (r) => r.url,
  ).slice(0, count)
}

/** Image results: the image, its thumbnail and the page it comes from. */
export async function searchImages(env: Env, cfg: SearchConfig, query: string, count: number, signal: AbortSignal): Promise<ImageResult[]> {
  const url = new URL(cfg.provider === 'brave' ? '/res/v1/images/search' : '/search', cfg.url)
  url.searchParams.set('q', query)
  let results: ImageResult[]
  if (cfg.provider === 'brave') {
    url.searchParams.set('count', String(count))
    results = parsed(BraveImagesSchema, await getJson(env, cfg, url, signal)).results.map((r) => ({
      title: text(r.title),
      image_url: r.properties?.url ?? '',
      thumbnail_url: r.thumbnail?.src ?? null,
      source_url: r.url,
    }))
  } else {
    url.searchParams.set('format', 'json')
    url.searchParams.set('categories', 'images')
    results = parsed(SearxngSchema, await getJson(env, cfg, url, signal)).results.map((r) => ({
      title: text(r.title),
      image_url: r.img_src ?? '',
      thumbnail_url: r.thumbnail_src ?? null,
      source_url: r.url,
    }))
  }
  return unique(
    results.filter((r) => httpUrl.safeParse(r.image_url).success && httpUrl.safeParse(r.source_url).success),
    (r) => r.image_url,
  ).slice(0, count)
}
