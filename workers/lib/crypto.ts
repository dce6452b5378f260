const encoder = new TextEncoder()

const toBase64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes))
const fromBase64 = (text: string): Uint8Array => Uint8Array.from(atob(text), (ch) => ch.charCodeAt(0))
const toHex = (bytes: ArrayBuffer): string => [...new Uint8Array(bytes)].map((b) => b.toString(16).padStart(2, '0')).join('')

/** API keys carry 192 random bits, so a fast hash is enough: there is nothing to brute-force. */
export async function sha256Hex(text: string): Promise<string> {
  return toHex(await crypto.subtle.digest('SHA-256', encoder.encode(text)))
}

/** A new API key: `ap_` + 32 url-safe characters. */
export function newApiKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24))
  return `ap_${toBase64(bytes).replaceAll('+', '-').replaceAll('/', '_')}`
}

/** Compares in time independent of where the strings differ (the admin token check). */
export async function timingSafeEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([sha256Hex(a), sha256Hex(b)])
  let diff = 0
  for (let i = 0; i < ha.length; i++) diff |= ha.charCodeAt(i) ^ hb.charCodeAt(i)
  return diff === 0
}

const keyCache = new Map<string, Promise<CryptoKey>>()

function importKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret)
  if (!key) {
    const raw = fromBase64(secret)
    if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be base64 of 32 bytes')
    key = crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt'])
    keyCache.set(secret, key)
  }
  return key
}

/**
 * AES-256-GCM with a fresh 96-bit IV. `context` (e.g. org and row id) is the additional data,
 * so a ciphertext copied onto another row fails to decrypt.
 */
export async function encryptSecret(secret: string, plaintext: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12))
  const data = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(context) }, await importKey(secret), encoder.encode(plaintext))
  return `v1.${toBase64(iv)}.${toBase64(new Uint8Array(data))}`
}

export async function decryptSecret(secret: string, sealed: string, context: string): Promise<string> {
  const [version, iv, data] = sealed.split('.')
  if (version !== 'v1' || !iv || !data) throw new Error('unknown ciphertext format')
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64(iv), additionalData: encoder.encode(context) }, await importKey(secret), fromBase64(data))
  return new TextDecoder().decode(plain)
}
