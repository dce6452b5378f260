import { exports } from 'cloudflare:workers'
import { BASE, call, type Tenant } from './api'
import { specErrors } from './spec'
import { readSse, type SseEvent } from './sse'

/** ACP clients send the key as x-api-key. */
// biome-ignore lint/suspicious/noExplicitAny: see call() in ./api
export const acp = <T = any>(t: Tenant, method: string, path: string, body?: unknown) => call<T>(method, `/acp${path}`, { headers: { 'x-api-key': t.key }, body })

/** Asserts a body against an ACP schema, returning it. */
export function valid<T>(schema: string, body: T): T {
  const errors = specErrors('acp', schema, body)
  if (errors.length) throw new Error(`${schema}: ${errors.join('; ')}\n${JSON.stringify(body).slice(0, 500)}`)
  return body
}

export interface AcpFrame extends Omit<SseEvent, 'id'> {
  id: string
}

/** Reads an ACP SSE response to its end, as the ACP SDK would; every frame is validated as RunOutputStream. */
export async function acpFrames(res: Response): Promise<AcpFrame[]> {
  const { events } = await readSse(res)
  return events.map((e) => valid('RunOutputStream', { id: String(e.id), event: e.event, data: e.data }))
}

export const acpFetch = (t: Tenant, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
  exports.default.fetch(`${BASE}/acp${path}`, {
    method,
    headers: { 'x-api-key': t.key, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
