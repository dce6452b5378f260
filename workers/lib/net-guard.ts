/**
 * Outbound requests on behalf of an agent or a webhook must not reach private networks.
 * Workers cannot resolve DNS first, so this refuses literal private/loopback/link-local
 * addresses and local names; Cloudflare's egress does not route to RFC 1918 space anyway.
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
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '')
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.local') || host.endsWith('.internal')) return `${host} is a local name`
  if (/^[\d.]+$/.test(host) || /^0x/i.test(host)) return isPublicIPv4(host) ? undefined : `${host} is not a public address`
  if (host.includes(':')) return isPublicIPv6(host) ? undefined : `${host} is not a public address`
  return undefined
}

function isPublicIPv4(host: string): boolean {
  const parts = host.split('.').map(Number)
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return false
  const [a = 0, b = 0] = parts
  return !(
    a === 0 || a === 10 || a === 127 || a >= 224 ||
    (a === 100 && b >= 64 && b <= 127) || // carrier-grade NAT
    (a === 169 && b === 254) || // link-local, cloud metadata
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    (a === 192 && b === 0) ||
    (a === 198 && (b === 18 || b === 19))
  )
}

function isPublicIPv6(host: string): boolean {
  const h = host.toLowerCase()
  if (h === '::' || h === '::1') return false
  if (h.startsWith('fe8') || h.startsWith('fe9') || h.startsWith('fea') || h.startsWith('feb')) return false // link-local
  if (h.startsWith('fc') || h.startsWith('fd')) return false // unique local
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h)
  if (mapped?.[1]) return isPublicIPv4(mapped[1])
  return !h.startsWith('::ffff:')
}

/** refusedTarget, unless this deployment allows private targets (local dev and tests only). */
export const outboundRefusal = (env: { ALLOW_PRIVATE_TARGETS?: string }, url: string): string | undefined =>
  env.ALLOW_PRIVATE_TARGETS === 'true' ? undefined : refusedTarget(url)
