const encoder = new TextEncoder()

/**
 * `x-agentplane-signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the
 * timestamp is signed with the body, so a receiver can refuse replays older than a few minutes.
 */
export async function signature(secret: string, body: string, at: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign'])
  const mac = await crypto.subtle.sign('HMAC', key, encoder.encode(`${at}.${body}`))
  const hex = [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `t=${at},v1=${hex}`
}

/** A new signing secret, shown once when the endpoint is created. */
export const newWebhookSecret = (): string => `whsec_${[...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, '0')).join('')}`
