import { timingSafeEqual } from '../../lib/crypto'

/** Inbound events are kept this long, then the cron tick deletes them. */
export const INBOUND_RETENTION_DAYS = 7
/** Larger deliveries are refused (413): Telegram updates and GitHub events are far smaller. */
export const MAX_INBOUND_BYTES = 256 * 1024

const toBase64Url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')

/** 256 random bits, URL-safe: the path token and the verification secret are each one of these. */
export const randomToken = () => toBase64Url(crypto.getRandomValues(new Uint8Array(32)))

async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(body))
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')
}

/**
 * Whether a delivery proves it knows the endpoint's secret: Telegram's X-Telegram-Bot-Api-Secret-Token
 * (the secret_token given to setWebhook), GitHub's X-Hub-Signature-256 HMAC of the raw body, and for
 * any other service an X-Inbound-Secret header.
 */
export async function verifyDelivery(service: string, secret: string, headers: Headers, body: string): Promise<string | undefined> {
  if (service === 'github') {
    const sig = headers.get('x-hub-signature-256') ?? ''
    if (!sig.startsWith('sha256=')) return 'missing X-Hub-Signature-256'
    return (await timingSafeEqual(sig.slice(7), await hmacHex(secret, body))) ? undefined : 'bad X-Hub-Signature-256'
  }
  const header = service === 'telegram' ? 'x-telegram-bot-api-secret-token' : 'x-inbound-secret'
  const given = headers.get(header)
  if (!given) return `missing ${header}`
  return (await timingSafeEqual(given, secret)) ? undefined : `bad ${header}`
}

/** The event's type: Telegram's update kind, GitHub's event (and action), else X-Event-Type or body.type. */
export function eventType(service: string, headers: Headers, payload: unknown): string {
  const obj = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {}
  if (service === 'telegram') return Object.keys(obj).find((k) => k !== 'update_id') ?? 'update'
  if (service === 'github') {
    const event = headers.get('x-github-event') ?? 'event'
    return typeof obj.action === 'string' ? `${event}.${obj.action}` : event
  }
  const type = headers.get('x-event-type') ?? obj.type
  return typeof type === 'string' && type ? type.slice(0, 100) : 'event'
}

/** AES-GCM additional data for an endpoint's verification secret. */
export const inboundSecretContext = (orgId: number, credentialId: string) => `inbound:${orgId}:${credentialId}`
