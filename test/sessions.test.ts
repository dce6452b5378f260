import { describe, it } from 'vitest'
import { call, createTenant } from './helpers/api'
import { startTurn, waitTurn } from './helpers/sessions'

describe('sessions', () => {
  it('turns of one session run one after another, in order, each seeing the history', async ({ expect }) => {
    const t = await createTenant('order')
    const first = await startTurn(t, { message: 'one /slow 20 /tokens 10' })
    const second = await startTurn(t, { session_id: first.session_id, message: 'two' })
    const third = await startTurn(t, { session_id: first.session_id, message: 'three' })
    expect([first.status, second.status, third.status]).toEqual(['started', 'queued', 'queued'])
    const [a, b, c] = [await waitTurn(t, first), await waitTurn(t, second), await waitTurn(t, third)]
    expect([a.status, b.status, c.status]).toEqual(['success', 'success', 'success'])
    expect(a.ended_at <= b.started_at && b.ended_at <= c.started_at).toBe(true)
    // Each turn's prompt includes the previous turns' messages.
    expect(b.usage.prompt_tokens).toBeGreaterThan(a.usage.prompt_tokens)
    const session = await call('GET', `/v1/sessions/${first.session_id}`, { key: t.key })
    expect(session.body.messages.map((m: { role: string }) => m.role)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant'])
    expect(session.body.turns.map((x: { input: string }) => x.input)).toEqual(['three', 'two', 'one /slow 20 /tokens 10'])
    expect(session.body.status).toBe('idle')
  })

  it('runs under the chosen agent: its system prompt and pinned version', async ({ expect }) => {
    const t = await createTenant('agent-session')
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Brief', system_prompt: 'one two three four five six seven' } })
    const s = await startTurn(t, { agent_id: agent.body.id, message: 'hi' })
    // 7 words of system prompt + 1 of input
    expect((await waitTurn(t, s)).usage.prompt_tokens).toBe(8)
    const { env } = await import('cloudflare:workers')
    expect(await env.DB.prepare('SELECT agent_id, agent_version FROM runs WHERE id = ?').bind(s.turn_id).first()).toEqual({ agent_id: agent.body.id, agent_version: 1 })
  })

  it('validates input and hides other orgs’ sessions, agents and turns', async ({ expect }) => {
    const a = await createTenant('sess-a')
    const b = await createTenant('sess-b')
    const s = await startTurn(a, { message: 'private' })
    expect((await call('POST', '/v1/sessions/stream', { key: a.key, body: {} })).status).toBe(422)
    expect((await call('POST', '/v1/sessions/stream', { key: b.key, body: { message: 'x', session_id: s.session_id } })).status).toBe(404)
    const aAgents = await call('GET', `/v1/organizations/${a.orgId}/agents`, { key: a.key })
    expect((await call('POST', '/v1/sessions/stream', { key: b.key, body: { message: 'x', agent_id: aAgents.body.items[0].id } })).status).toBe(404)
    for (const path of ['', `/turns/${s.turn_id}`, `/turns/${s.turn_id}/stream`, `/turns/${s.turn_id}/wait?timeout=0`]) {
      expect((await call('GET', `/v1/sessions/${s.session_id}${path}`, { key: b.key })).status, path).toBe(404)
    }
    expect((await call('POST', `/v1/sessions/${s.session_id}/turns/${s.turn_id}/cancel`, { key: b.key })).status).toBe(404)
    expect((await call('POST', '/v1/sessions/stream', { key: b.key, body: { message: 'x', org_id: a.orgId } })).status).toBe(403)
  })

  it('a disabled agent cannot start a turn', async ({ expect }) => {
    const t = await createTenant('disabled')
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Off', is_enabled: false } })
    const res = await call('POST', '/v1/sessions/stream', { key: t.key, body: { message: 'x', agent_id: agent.body.id } })
    expect(res.status).toBe(422)
    expect(res.body.detail[0].loc).toEqual(['body', 'agent_id'])
  })
})
