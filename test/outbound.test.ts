import { evictDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { beforeAll, describe, inject, it } from 'vitest'
import { acp } from './helpers/acp'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents, deliver, run, until } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const fake = `http://127.0.0.1:${inject('fakeOpenAIPort')}`
const other = `http://127.0.0.1:${inject('fakeOtherPort')}`
const redirect = (status: number, to: string) => `${fake}/__redirect/${status}?to=${encodeURIComponent(to)}`
const echoes = async (name: string) => (await (await fetch(`${fake}/__echoes/${name}`)).json()) as { method: string; authorization?: string; body: string }[]

let t: Tenant
beforeAll(async () => {
  t = await createTenant('outbound')
})

/** A fresh org whose openai/* models go to `baseUrl`, and one turn of it. */
async function turnAgainst(baseUrl: string, message: string) {
  const org = await createTenant('model-endpoint')
  const put = await call('PUT', `/v1/organizations/${org.orgId}/model-settings`, { key: org.key, body: { openai_base_url: baseUrl, openai_api_key: 'sk-org-hop' } })
  if (put.status !== 200) throw new Error(`model-settings ${put.status} ${put.text}`)
  const agent = await call('POST', `/v1/organizations/${org.orgId}/agents`, { key: org.key, body: { name: 'Hop', model: 'openai/gpt-4o-mini' } })
  return { org, turn: await startTurn(org, { agent_id: agent.body.id, message }) }
}

describe('one guard wherever a URL leaves the system', () => {
  const inward = ['http://localhost./x', 'http://[::ffff:7f00:1]/x', 'http://[64:ff9b::a9fe:a9fe]/x', 'http://metadata/x', 'http://vm/x', 'http://0x0a.1/x', 'http://2852039166/x']

  it('ACP run webhook: refused at run creation with 422 naming body.webhook', async ({ expect }) => {
    for (const webhook of inward) {
      const res = await acp(t, 'POST', '/runs', { input: 'x', webhook })
      expect(res.status, webhook).toBe(422)
      expect(JSON.stringify(res.body), webhook).toContain('webhook')
    }
  })

  it('org webhooks and the org model endpoint: 422 naming the field', async ({ expect }) => {
    for (const url of inward) {
      const hook = await call('POST', `/v1/organizations/${t.orgId}/webhooks`, { key: t.key, body: { url, event_types: ['run.succeeded'] } })
      expect(hook.status, url).toBe(422)
      expect(hook.body.detail[0].loc, url).toEqual(['body', 'url'])
      const model = await call('PUT', `/v1/organizations/${t.orgId}/model-settings`, { key: t.key, body: { openai_base_url: url } })
      expect(model.status, url).toBe(422)
      expect(model.body.detail[0].loc, url).toEqual(['body', 'openai_base_url'])
    }
  })
})

describe('webhooks never follow a redirect', () => {
  it('the ACP run webhook: a 307 is a failed attempt; its target never gets the body', async ({ expect }) => {
    const target = `${fake}/__echo/hookredirect`
    const created = await acp(t, 'POST', '/runs', { input: 'notify', webhook: redirect(307, target), on_completion: 'keep' })
    expect(created.status).toBe(200)
    await acp(t, 'GET', `/runs/${created.body.run_id}/wait`)
    await until(
      () => echoes('redirects'),
      (r) => r.some((x) => x.body === target),
    )
    expect(await echoes('hookredirect')).toEqual([])
  })
})

describe('model calls: redirects are checked hop by hop', () => {
  it('a redirect from the model endpoint to an inward address fails the run; nothing reaches it', async ({ expect }) => {
    const { org, turn } = await turnAgainst(redirect(307, `http://[::ffff:7f00:1]:${inject('fakeOpenAIPort')}/__echo/modelinward`), 'hi')
    expect(await waitTurn(org, turn)).toMatchObject({ status: 'error', error: { code: 'config_error' } })
    expect(await echoes('modelinward')).toEqual([])
  })

  it('a 307 to another origin is refused: the body and the key are not re-sent', async ({ expect }) => {
    const { org, turn } = await turnAgainst(redirect(307, `${other}/__echo/modelcross`), 'hi')
    expect(await waitTurn(org, turn)).toMatchObject({ status: 'error', error: { code: 'config_error' } })
    expect(await echoes('modelcross')).toEqual([])
  })

  it('the org endpoint is re-checked when the call is made (a stored URL the policy now refuses fails the run)', async ({ expect }) => {
    const { org, turn } = await turnAgainst(`${fake}/v1`, 'first call works')
    expect((await waitTurn(org, turn)).status).toBe('success')
    await env.DB.prepare('UPDATE organizations SET openai_base_url = ? WHERE id = ?')
      .bind(`http://[::ffff:7f00:1]:${inject('fakeOpenAIPort')}/v1`, org.orgId)
      .run()
    const agent = await call('POST', `/v1/organizations/${org.orgId}/agents`, { key: org.key, body: { name: 'Again', model: 'openai/gpt-4o-mini' } })
    const again = await startTurn(org, { agent_id: agent.body.id, message: 'second call refused' })
    expect(await waitTurn(org, again)).toMatchObject({ status: 'error', error: { code: 'config_error', message: expect.stringContaining('not a global unicast address') } })
  })

  it('a 307 to the same origin is followed with body and key', async ({ expect }) => {
    const { org, turn } = await turnAgainst(redirect(307, `${fake}/v1`), 'hello via redirect')
    expect(await waitTurn(org, turn)).toMatchObject({ status: 'success', output: 'Hello from fake' })
  })
})

describe('a dead model endpoint', () => {
  it('fails the run upstream_unavailable after 5 attempts of the step; the count survives re-queueing and eviction', async ({ expect }) => {
    // Port 1 on loopback: nothing listens, every call is refused at once.
    const { org, turn } = await turnAgainst('http://127.0.0.1:1/v1', 'anyone there?')
    const stub = run(turn.turn_id)
    for (let i = 0; i < 12; i++) {
      const snap = await stub.snapshot()
      if (snap?.status === 'error') break
      if (i === 2) await evictDurableObject(env.RUNS.getByName(turn.turn_id))
      // The real queue holds the re-queued message for the backoff; deliver it now, as a redelivery would.
      await deliver([turn.turn_id], i + 2)
    }
    const done = await waitTurn(org, turn)
    expect(done).toMatchObject({ status: 'error', error: { code: 'upstream_unavailable' } })
    const retries = (await allEvents(turn.turn_id)).filter((e) => e.type === 'status' && e.data.retry_in_ms !== undefined)
    expect(retries.map((e) => e.data.attempt)).toEqual([1, 2, 3, 4])
    // Exponential backoff: each wait at least doubles.
    expect(retries.map((e) => e.data.retry_in_ms)).toEqual([2000, 2000, 4000, 8000])
  })
})
