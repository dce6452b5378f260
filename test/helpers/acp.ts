import { exports } from 'cloudflare:workers'
import { BASE, call, type Tenant } from './api'
import { specErrors } from './spec'

/** ACP clients send the key as x-api-key. */
export const acp = <T = any>(t: Tenant, method: string, path: string, body?: unknown) =>
  call<T>(method, `/acp${path}`, { headers: { 'x-api-key': t.key }, body })

/** Asserts a body against an ACP schema, returning it. */
export function valid<T>(schema: string, body: T): T {
  const errors = specErrors('acp', schema, body)
  if (errors.length) throw new Error(`${schema}: ${errors.join('; ')}\n${JSON.stringify(body).slice(0, 500)}`)
  return body
}

export interface AcpFrame {
  id: string
  event: string
  data: any
}

/** Reads an ACP SSE response to its end; every frame is validated as RunOutputStream. */
export async function acpFrames(res: Response): Promise<AcpFrame[]> {
  const text = await res.text()
  return text
    .split('\n\n')
    .filter((f) => f.includes('event: '))
    .map((f) => {
      const get = (k: string) => f.split('\n').find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2) ?? ''
      return valid('RunOutputStream', { id: get('id'), event: get('event'), data: JSON.parse(get('data')) })
    })
}

export const acpFetch = (t: Tenant, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}/acp${path}`, {
    method,
    headers: { 'x-api-key': t.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
