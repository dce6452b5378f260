import ipaddr from 'ipaddr.js'
import { parse as parseDomain } from 'tldts'

/**
 * The one outbound guard. Policy: a URL may leave the system only towards a public target, that is
 * an http(s) URL without userinfo whose host is either a fully qualified name under an ICANN public
 * suffix (`api.example.com`; not `localhost`, `vm`, `metadata`, `x.internal`, `x.local`) or an IP
 * literal in global unicast space. Workers cannot resolve DNS first, so names are judged as written;
 * the WHATWG URL parser has already normalised integer/hex/octal IPv4 forms (`0x7f.1`, `2130706433`)
 * to dotted quads, and every IPv6 form is judged by its range (ipaddr.js), so an IPv4 embedded in
 * IPv6 (mapped, compatible, NAT64, 6to4, Teredo) is refused unless it is a mapped public IPv4.
 */
export function refusedTarget(raw: string): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'not a valid URL'
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `scheme ${url.protocol} is not allowed`
  if (url.username || url.password) return 'credentials in URLs are not allowed'
  const host = url.hostname.toLowerCase()
  if (host.startsWith('[')) return isGlobalIPv6(host.slice(1, -1)) ? undefined : `${host} is not a global unicast address`
  if (ipaddr.IPv4.isValidFourPartDecimal(host)) return isGlobalIPv4(ipaddr.IPv4.parse(host)) ? undefined : `${host} is not a global unicast address`
  return isPublicName(host) ? undefined : `${host} is not a fully qualified public name`
}

const isGlobalIPv4 = (ip: ipaddr.IPv4): boolean => ip.range() === 'unicast'

/** 2000::/3 is the only IPv6 space allocated for global unicast; inside it ipaddr.js names 6to4, Teredo, documentation… */
const GLOBAL_UNICAST = ipaddr.IPv6.parseCIDR('2000::/3')

function isGlobalIPv6(literal: string): boolean {
  if (!ipaddr.IPv6.isValid(literal)) return false
  const ip = ipaddr.IPv6.parse(literal)
  if (ip.isIPv4MappedAddress()) return isGlobalIPv4(ip.toIPv4Address())
  return ip.match(GLOBAL_UNICAST) && ip.range() === 'unicast'
}

function isPublicName(host: string): boolean {
  // One trailing dot is the same name written absolute (`localhost.`); judge it without.
  const name = host.endsWith('.') ? host.slice(0, -1) : host
  if (!name || name.endsWith('.')) return false
  const parsed = parseDomain(name, { allowPrivateDomains: false, validateHostname: true })
  return parsed.isIp !== true && parsed.isIcann === true && Boolean(parsed.domain) && Boolean(parsed.domainWithoutSuffix)
}

/**
 * refusedTarget, unless this deployment allows private targets: `true` allows any (local dev), a
 * comma list allows those host names only (tests: `127.0.0.1`, so every other inward form is still refused).
 */
export function outboundRefusal(env: { ALLOW_PRIVATE_TARGETS?: string }, url: string): string | undefined {
  const allow = env.ALLOW_PRIVATE_TARGETS?.trim()
  if (allow === 'true') return undefined
  const refused = refusedTarget(url)
  if (!refused || !allow) return refused
  const parsed = URL.canParse(url) ? new URL(url) : undefined
  const listed = parsed && /^https?:$/.test(parsed.protocol) && !parsed.username && !parsed.password && allow.split(',').some((h) => h.trim() === parsed.hostname)
  return listed ? undefined : refused
}

/** A hop refused by the guard; callers report it as a bad target (never retried). */
export class OutboundRefused extends Error {
  override readonly name = 'OutboundRefused'
}

/** Headers that carry a credential for the first host and must not reach another. */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'x-api-key']

export interface GuardedInit {
  method?: string
  headers?: Record<string, string>
  /** A string, so it can be re-sent on a 307/308. */
  body?: string
  signal?: AbortSignal
}

/**
 * fetch with `redirect: 'manual'` where every hop passes outboundRefusal. A 301/302/303 continues as a
 * GET without body; a 307/308 keeps method and body only towards the same origin (else refused);
 * credential headers are dropped on any hop to another origin. `maxRedirects: 0` returns the 3xx as is.
 */
export async function guardedFetch(env: { ALLOW_PRIVATE_TARGETS?: string }, url: string, init: GuardedInit = {}, { maxRedirects = 5 }: { maxRedirects?: number } = {}): Promise<Response> {
  let current = url
  let method = (init.method ?? 'GET').toUpperCase()
  let body = init.body
  const headers = { ...init.headers }
  for (let hop = 0; ; hop++) {
    const refused = outboundRefusal(env, current)
    if (refused) throw new OutboundRefused(hop ? `redirect to ${current}: ${refused}` : refused)
    const res = await fetch(current, { method, headers, body, redirect: 'manual', signal: init.signal })
    const location = res.headers.get('location')
    if (res.status < 300 || res.status >= 400 || !location || maxRedirects === 0) return res
    await res.body?.cancel()
    if (hop >= maxRedirects) throw new OutboundRefused(`more than ${maxRedirects} redirects`)
    const next = URL.canParse(location, current) ? new URL(location, current) : undefined
    if (!next) throw new OutboundRefused('redirect to an invalid URL')
    const from = new URL(current)
    if (res.status === 307 || res.status === 308) {
      if (body !== undefined && next.origin !== from.origin) throw new OutboundRefused('a 307/308 to another origin would re-send the body')
    } else if (method !== 'GET' && method !== 'HEAD') {
      method = 'GET'
      body = undefined
      delete headers['content-type']
    }
    if (next.origin !== from.origin) for (const h of Object.keys(headers)) if (CREDENTIAL_HEADERS.includes(h.toLowerCase())) delete headers[h]
    current = next.toString()
  }
}
