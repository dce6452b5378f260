import { exports } from 'cloudflare:workers'
import { BASE, call, type Tenant } from './api'
import { readSse, type SseEvent } from './sse'

export async function startTurn(t: Tenant, body: Record<string, unknown>) {
  const res = await call('POST', '/v1/sessions/stream', { key: t.key, body: { org_id: t.orgId, ...body } })
  if (res.status !== 202) throw new Error(`start failed ${res.status} ${res.text}`)
  return res.body as { session_id: string; turn_id: string; status: string }
}

export const turnUrl = (s: { session_id: string; turn_id: string }) => `/v1/sessions/${s.session_id}/turns/${s.turn_id}`

export function streamTurn(t: Tenant, s: { session_id: string; turn_id: string }, lastEventId?: number): Promise<Response> {
  const headers: Record<string, string> = { authorization: `Bearer ${t.key}` }
  if (lastEventId !== undefined) headers['last-event-id'] = String(lastEventId)
  return exports.default.fetch(`${BASE}${turnUrl(s)}/stream`, { headers })
}

export async function waitTurn(t: Tenant, s: { session_id: string; turn_id: string }, timeout = 20) {
  return (await call('GET', `${turnUrl(s)}/wait?timeout=${timeout}`, { key: t.key })).body
}

export async function turnEvents(t: Tenant, s: { session_id: string; turn_id: string }): Promise<SseEvent[]> {
  return (await readSse(await streamTurn(t, s))).events
}
