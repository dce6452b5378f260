import { beforeAll, describe, inject, it } from 'vitest'
import { call, createTenant, env, type Tenant } from './helpers/api'
import { acp, acpFetch, acpFrames, valid } from './helpers/acp'
import { until } from './helpers/runs'

let t: Tenant
let agentId: string

beforeAll(async () => {
  t = await createTenant('acp')
  agentId = (await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'ACP Echo', code: 'acp-echo', description: 'Echoes' } })).body.id
})

const run = (input: unknown, extra: Record<string, unknown> = {}) => ({ agent_id: agentId, input, ...extra })

describe('ACP agents', () => {
  it('search, get and descriptor answer the spec shapes', async ({ expect }) => {
    const found = await acp(t, 'POST', '/agents/search', { name: 'acp-echo' })
    expect(found.status).toBe(200)
    expect(found.body).toHaveLength(1)
    valid('Agent', found.body[0])
    expect(found.body[0]).toEqual({ agent_id: agentId, metadata: { ref: { name: 'acp-echo', version: '1.0.0' }, description: 'Echoes' } })
    expect((await acp(t, 'POST', '/agents/search', { version: '2.0.0' })).body).toEqual([])
    valid('Agent', (await acp(t, 'GET', `/agents/${agentId}`)).body)
    const descriptor = await acp(t, 'GET', `/agents/${agentId}/descriptor`)
    valid('AgentACPDescriptor', descriptor.body)
    expect(descriptor.body.specs.capabilities).toEqual({ threads: true, interrupts: true, callbacks: true, streaming: { values: true, custom: true } })
    const missing = await acp(t, 'GET', `/agents/${crypto.randomUUID()}/descriptor`)
    expect(missing.status).toBe(404)
    valid('ErrorResponse', missing.body)
    const bad = await acp(t, 'POST', '/agents/search', { limit: 'ten' })
    expect(bad.status).toBe(422)
    expect(valid('ErrorResponse', bad.body)).toContain('body.limit')
  })
})

describe('ACP threads', () => {
  it('create, get, patch, search, copy, history and delete', async ({ expect }) => {
    const id = crypto.randomUUID()
    const created = await acp(t, 'POST', '/threads', { thread_id: id, metadata: { team: 'ops' } })
    expect(created.status).toBe(200)
    expect(valid('Thread', created.body)).toMatchObject({ thread_id: id, status: 'idle', metadata: { team: 'ops' } })
    expect((await acp(t, 'POST', '/threads', { thread_id: id })).status).toBe(409)
    expect((await acp(t, 'POST', '/threads', { thread_id: id, if_exists: 'do_nothing' })).body.thread_id).toBe(id)

    const patched = await acp(t, 'PATCH', `/threads/${id}`, { metadata: { tier: 'gold' } })
    expect(valid('Thread', patched.body).metadata).toEqual({ team: 'ops', tier: 'gold' })
    const search = await acp(t, 'POST', '/threads/search', { metadata: { tier: 'gold' }, status: 'idle' })
    expect(search.body.map((x: { thread_id: string }) => x.thread_id)).toEqual([id])
    for (const x of search.body) valid('Thread', x)

    for (const input of ['first', 'second']) {
      const waited = await acp(t, 'POST', `/threads/${id}/runs/wait`, run(input))
      expect(valid('RunWaitResponseStateful', waited.body).output).toMatchObject({ type: 'result', values: { output: `You said: ${input}` } })
    }
    const history = await acp(t, 'GET', `/threads/${id}/history?limit=5`)
    expect(history.status).toBe(200)
    for (const s of history.body) valid('ThreadState', s)
    expect(history.body.map((s: { messages: unknown[] }) => s.messages.length)).toEqual([4, 2])
    const older = await acp(t, 'GET', `/threads/${id}/history?before=${history.body[0].checkpoint.checkpoint_id}`)
    expect(older.body.map((s: { messages: unknown[] }) => s.messages.length)).toEqual([2])
    expect((await acp(t, 'POST', '/threads/search', { values: { output: 'You said: second' } })).body.map((x: { thread_id: string }) => x.thread_id)).toEqual([id])

    const copy = await acp(t, 'POST', `/threads/${id}/copy`)
    expect(valid('Thread', copy.body).thread_id).not.toBe(id)
    expect(copy.body.messages).toHaveLength(4)
    const reset = await acp(t, 'PATCH', `/threads/${copy.body.thread_id}`, { values: { messages: [{ role: 'user', content: 'only this' }] } })
    expect(reset.body.messages).toEqual([{ role: 'user', content: 'only this' }])

    expect((await acp(t, 'DELETE', `/threads/${id}`)).status).toBe(204)
    const gone = await acp(t, 'GET', `/threads/${id}`)
    expect(gone.status).toBe(404)
    valid('ErrorResponse', gone.body)
    expect((await acp(t, 'GET', `/threads/${id}/history`)).status).toBe(404)
    expect((await acp(t, 'POST', `/threads/${id}/copy`)).status).toBe(404)
    expect((await acp(t, 'PATCH', `/threads/${id}`, { metadata: {} })).status).toBe(404)
    expect((await acp(t, 'DELETE', `/threads/${id}`)).status).toBe(404)
  })
})

describe('ACP thread runs', () => {
  it('create, get, list, wait, stream (values and custom), cancel, delete', async ({ expect }) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    const created = await acp(t, 'POST', `/threads/${thread}/runs`, run({ messages: [{ role: 'user', content: 'hello acp' }] }, { metadata: { k: 1 } }))
    expect(created.status).toBe(200)
    valid('RunStateful', created.body)
    expect(created.body).toMatchObject({ thread_id: thread, agent_id: agentId, creation: { multitask_strategy: 'reject', metadata: { k: 1 } } })
    const waited = await acp(t, 'GET', `/threads/${thread}/runs/${created.body.run_id}/wait`)
    expect(valid('RunWaitResponseStateful', waited.body)).toMatchObject({ run: { status: 'success' }, output: { type: 'result', values: { output: 'You said: hello acp' } } })
    valid('RunStateful', (await acp(t, 'GET', `/threads/${thread}/runs/${created.body.run_id}`)).body)
    const list = await acp(t, 'GET', `/threads/${thread}/runs`)
    expect(list.body.map((r: { run_id: string }) => r.run_id)).toEqual([created.body.run_id])
    for (const r of list.body) valid('RunStateful', r)

    const values = await acpFrames(await acpFetch(t, 'GET', `/threads/${thread}/runs/${created.body.run_id}/stream`))
    expect(values.map((f) => f.data.type)).toEqual(['values', 'values'])
    expect(values.at(-1)?.data).toMatchObject({ status: 'success', values: { output: 'You said: hello acp' } })

    const custom = await acpFrames(await acpFetch(t, 'POST', `/threads/${thread}/runs/stream`, run('streamed', { stream_mode: ['custom', 'values'] })))
    expect(
      custom
        .filter((f) => f.data.type === 'custom' && f.data.update.event === 'message_delta')
        .map((f) => f.data.update.text)
        .join(''),
    ).toBe('You said: streamed')
    expect(custom.at(-1)?.data).toMatchObject({ type: 'values', status: 'success' })
    const ids = custom.map((f) => Number(f.id))
    expect(ids).toEqual([...ids].sort((a, b) => a - b))
    const resumed = await acpFrames(await acpFetch(t, 'GET', `/threads/${thread}/runs/${created.body.run_id}/stream`, undefined, { 'last-event-id': values[0]?.id ?? '' }))
    expect(resumed.map((f) => f.id)).toEqual(values.slice(1).map((f) => f.id))

    const slow = await acp(t, 'POST', `/threads/${thread}/runs`, run('/slow 50 /tokens 100'))
    expect((await acp(t, 'POST', `/threads/${thread}/runs/${slow.body.run_id}/cancel`)).status).toBe(204)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${slow.body.run_id}/wait`)).body).toMatchObject({ run: { status: 'error' }, output: { type: 'error', errcode: 499 } })
    expect((await acp(t, 'DELETE', `/threads/${thread}/runs/${slow.body.run_id}`)).status).toBe(204)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${slow.body.run_id}`)).status).toBe(404)
    for (const [m, p] of [
      ['GET', ''],
      ['GET', '/wait'],
      ['GET', '/stream'],
      ['POST', '/cancel'],
      ['DELETE', ''],
    ] as const) {
      expect((await acp(t, m, `/threads/${thread}/runs/${crypto.randomUUID()}${p}`)).status, `${m} ${p}`).toBe(404)
    }
  })

  it('on_disconnect: cancel (the default) cancels a create-and-stream run whose client went away', async ({ expect }) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    const res = await acpFetch(t, 'POST', `/threads/${thread}/runs/stream`, run('/slow 40 /tokens 100', { stream_mode: 'custom' }))
    const reader = res.body?.getReader()
    await reader?.read()
    await reader?.cancel()
    const runs = await until(
      () => acp(t, 'GET', `/threads/${thread}/runs`),
      (r) => r.body[0]?.status === 'error',
    )
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${runs.body[0].run_id}/wait`)).body.output).toMatchObject({ type: 'error', errcode: 499 })
    const kept = await acpFetch(t, 'POST', `/threads/${thread}/runs/stream`, run('/slow 10 /tokens 5', { on_disconnect: 'continue' }))
    await kept.body?.cancel()
    const keptRun = await until(
      () => acp(t, 'GET', `/threads/${thread}/runs`),
      (r) => r.body.length === 2,
    )
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${keptRun.body[0].run_id}/wait`)).body.run.status).toBe('success')
  })

  it('interrupt → resume; resume when not interrupted is 409', async ({ expect }) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    const waited = await acp(t, 'POST', `/threads/${thread}/runs/wait`, run('/ask Which region?'))
    expect(valid('RunWaitResponseStateful', waited.body)).toMatchObject({
      run: { status: 'interrupted' },
      output: { type: 'interrupt', interrupt: { interrupt_type: 'question', question: 'Which region?' } },
    })
    expect((await acp(t, 'GET', `/threads/${thread}`)).body.status).toBe('interrupted')
    const resumed = await acp(t, 'POST', `/threads/${thread}/runs/${waited.body.run.run_id}`, 'EU')
    expect(resumed.status).toBe(200)
    valid('RunStateful', resumed.body)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${waited.body.run.run_id}/wait`)).body.output).toMatchObject({ values: { output: 'Thanks, you answered: EU' } })
    const again = await acp(t, 'POST', `/threads/${thread}/runs/${waited.body.run.run_id}`, 'again')
    expect(again.status).toBe(409)
    valid('ErrorResponse', again.body)
  })

  it('if_not_exists: create makes the thread, reject answers 404', async ({ expect }) => {
    const id = crypto.randomUUID()
    expect((await acp(t, 'POST', `/threads/${id}/runs`, run('x'))).status).toBe(404)
    const made = await acp(t, 'POST', `/threads/${id}/runs/wait`, run('x', { if_not_exists: 'create' }))
    expect(made.body.run).toMatchObject({ thread_id: id, status: 'success' })
    expect((await acp(t, 'GET', `/threads/${id}`)).status).toBe(200)
  })
})

describe('ACP multitask strategies (two overlapping runs on one thread)', () => {
  const twoRuns = async (strategy: string) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    const first = await acp(t, 'POST', `/threads/${thread}/runs`, run('/slow 40 /tokens 30'))
    await until(
      () => acp(t, 'GET', `/threads/${thread}`),
      (r) => r.body.status === 'busy',
    )
    const second = await acp(t, 'POST', `/threads/${thread}/runs`, run('second', { multitask_strategy: strategy }))
    return { thread, first: first.body.run_id as string, second }
  }

  it('reject: 409 while busy; the first run is untouched', async ({ expect }) => {
    const { thread, first, second } = await twoRuns('reject')
    expect(second.status).toBe(409)
    valid('ErrorResponse', second.body)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${first}/wait`)).body.run.status).toBe('success')
    expect((await acp(t, 'GET', `/threads/${thread}/runs`)).body).toHaveLength(1)
  })

  it('enqueue: the second runs after the first, in order', async ({ expect }) => {
    const { thread, first, second } = await twoRuns('enqueue')
    expect(second.status).toBe(200)
    const a = (await call('GET', `/v1/organizations/${t.orgId}/runs/${first}/wait?timeout=20`, { key: t.key })).body
    const b = (await call('GET', `/v1/organizations/${t.orgId}/runs/${second.body.run_id}/wait?timeout=20`, { key: t.key })).body
    expect([a.status, b.status]).toEqual(['success', 'success'])
    expect(a.ended_at <= b.started_at).toBe(true)
    expect((await acp(t, 'GET', `/threads/${thread}`)).body.messages).toHaveLength(4)
  })

  it('interrupt: the first run stops (cancelled), the second starts at once', async ({ expect }) => {
    const { thread, first, second } = await twoRuns('interrupt')
    expect(second.status).toBe(200)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${first}/wait`)).body).toMatchObject({ run: { status: 'error' }, output: { type: 'error', errcode: 499 } })
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${second.body.run_id}/wait`)).body.run.status).toBe('success')
    expect((await acp(t, 'GET', `/threads/${thread}`)).body.messages.map((m: { content: string }) => m.content)).toEqual(['second', 'You said: second'])
  })

  it('rollback: the first run is cancelled and deleted with its state', async ({ expect }) => {
    const { thread, first, second } = await twoRuns('rollback')
    expect(second.status).toBe(200)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${first}`)).status).toBe(404)
    expect(await env.DB.prepare('SELECT count(*) AS n FROM runs WHERE id = ?').bind(first).first('n')).toBe(0)
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${second.body.run_id}/wait`)).body.run.status).toBe('success')
    expect((await acp(t, 'GET', `/threads/${thread}/runs`)).body.map((r: { run_id: string }) => r.run_id)).toEqual([second.body.run_id])
  })
})

describe('ACP multitask strategies under concurrency (50 runs at once on one thread)', () => {
  const fifty = async (strategy: string) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id as string
    // Each run lasts ~4 s (4 words, 1 s each), so all fifty are admitted while one is active (a run that
    // ended before the next admission would rightly succeed too: interrupt and rollback act on the active
    // run only). The dev model once read "/slow 1000 racer 3" as no wait at all: the racers took
    // milliseconds, and a run that starts in its object at once could end before the next admission.
    const replies = await Promise.all(Array.from({ length: 50 }, (_, i) => acp(t, 'POST', `/threads/${thread}/runs`, run(`racer ${i} /slow 1000`, { multitask_strategy: strategy }))))
    return { thread, replies }
  }
  const threadRunsInD1 = (thread: string) => env.DB.prepare('SELECT id, status FROM runs WHERE thread_id = ?').bind(thread).all<{ id: string; status: string }>()

  it('rollback: every request is answered 200; the last admitted run survives alone and succeeds', async ({ expect }) => {
    const { thread, replies } = await fifty('rollback')
    expect(replies.map((r) => r.status)).toEqual(Array<number>(50).fill(200))
    const left = await until(
      () => threadRunsInD1(thread),
      (r) => r.results.length === 1,
    )
    const survivor = left.results[0]?.id
    expect((await acp(t, 'GET', `/threads/${thread}/runs/${survivor}/wait`)).body.run.status).toBe('success')
    const gone = replies.map((r) => r.body.run_id as string).filter((id) => id !== survivor)
    expect(gone).toHaveLength(49)
    for (const id of gone.slice(0, 5)) expect((await acp(t, 'GET', `/threads/${thread}/runs/${id}`)).status).toBe(404)
    const state = (await acp(t, 'GET', `/threads/${thread}`)).body
    expect(state.status).toBe('idle')
    expect(state.messages).toHaveLength(2)
  })

  it('reject: exactly one 200, the other 49 get 409 and leave no run behind', async ({ expect }) => {
    const { thread, replies } = await fifty('reject')
    expect(replies.filter((r) => r.status === 200)).toHaveLength(1)
    expect(replies.filter((r) => r.status === 409)).toHaveLength(49)
    expect((await threadRunsInD1(thread)).results).toHaveLength(1)
  })

  it('10 concurrent first runs of one new thread (if_not_exists: create): one creates it, the others join by strategy or get 409 (retry), never a 500; 10 concurrent POST /threads of one id: one 200', async ({
    expect,
  }) => {
    const id = crypto.randomUUID()
    const runs = await Promise.all(Array.from({ length: 10 }, () => acp(t, 'POST', `/threads/${id}/runs`, run('first', { if_not_exists: 'create', multitask_strategy: 'enqueue' }))))
    // Which requests race the creation depends on timing: a request that finds the thread created
    // joins it (enqueue: 200), one that races its creation is refused with 409 and nothing stored.
    const accepted = runs.filter((r) => r.status === 200)
    expect(accepted.length + runs.filter((r) => r.status === 409).length).toBe(10)
    expect(accepted.length).toBeGreaterThanOrEqual(1)
    for (const refused of runs.filter((r) => r.status === 409)) expect(refused.body).toMatch(/created by a concurrent request; retry/)
    expect((await threadRunsInD1(id)).results).toHaveLength(accepted.length)
    const done = await until(
      () => threadRunsInD1(id),
      (r) => r.results.every((x) => x.status === 'success'),
      20_000,
    )
    expect(done.results).toHaveLength(accepted.length)
    const other = crypto.randomUUID()
    const threads = await Promise.all(Array.from({ length: 10 }, () => acp(t, 'POST', '/threads', { thread_id: other })))
    expect(threads.map((r) => r.status).sort()).toEqual([200, ...Array<number>(9).fill(409)])
  })

  it('interrupt: all 200; one run succeeds, every other one is cancelled', async ({ expect }) => {
    const { thread, replies } = await fifty('interrupt')
    expect(replies.map((r) => r.status)).toEqual(Array<number>(50).fill(200))
    const ended = await until(
      () => threadRunsInD1(thread),
      (r) => r.results.every((x) => ['success', 'cancelled'].includes(x.status)),
      20_000,
    )
    expect(ended.results.filter((x) => x.status === 'success')).toHaveLength(1)
    expect(ended.results.filter((x) => x.status === 'cancelled')).toHaveLength(49)
  })
})

describe('ACP stateless runs', () => {
  it('create, get, wait, search, stream, resume, cancel, delete; on_completion delete|keep', async ({ expect }) => {
    const created = await acp(t, 'POST', '/runs', run('stateless one', { metadata: { job: 'a' } }))
    expect(valid('RunStateless', created.body)).toMatchObject({ agent_id: agentId, creation: { on_completion: 'delete' } })
    expect(created.body.thread_id).toBeUndefined()
    const waited = await acp(t, 'GET', `/runs/${created.body.run_id}/wait`)
    expect(valid('RunWaitResponseStateless', waited.body).output).toMatchObject({ values: { output: 'You said: stateless one' } })
    valid('RunStateless', (await acp(t, 'GET', `/runs/${created.body.run_id}`)).body)
    // on_completion: delete (the default) makes no thread at all: nothing to create, nothing to delete.
    const row = await env.DB.prepare('SELECT thread_id FROM runs WHERE id = ?').bind(created.body.run_id).first<{ thread_id: string | null }>()
    expect(row).toEqual({ thread_id: null })

    const kept = await acp(t, 'POST', '/runs/wait', run('kept', { on_completion: 'keep' }))
    valid('RunWaitResponseStateless', kept.body)
    const keptThread = await env.DB.prepare('SELECT thread_id FROM runs WHERE id = ?').bind(kept.body.run.run_id).first<{ thread_id: string }>()
    expect(await env.DB.prepare('SELECT count(*) AS n FROM threads WHERE id = ?').bind(keptThread?.thread_id).first('n')).toBe(1)

    const search = await acp(t, 'POST', '/runs/search', { agent_id: agentId, status: 'success', metadata: { job: 'a' } })
    expect(search.body.map((r: { run_id: string }) => r.run_id)).toEqual([created.body.run_id])
    for (const r of search.body) valid('RunStateless', r)

    const frames = await acpFrames(await acpFetch(t, 'POST', '/runs/stream', run('streamed stateless')))
    expect(frames.at(-1)?.data).toMatchObject({ type: 'values', values: { output: 'You said: streamed stateless' } })
    const again = await acpFrames(await acpFetch(t, 'GET', `/runs/${frames[0]?.data.run_id}/stream`))
    expect(again).toEqual(frames)

    const ask = await acp(t, 'POST', '/runs/wait', run('/ask Sure?'))
    expect(ask.body.output.type).toBe('interrupt')
    valid('RunStateless', (await acp(t, 'POST', `/runs/${ask.body.run.run_id}`, { approved: true })).body)
    expect((await acp(t, 'GET', `/runs/${ask.body.run.run_id}/wait`)).body.output.values.output).toBe('Thanks, you answered: {"approved":true}')

    const slow = await acp(t, 'POST', '/runs', run('/slow 50 /tokens 100'))
    expect((await acp(t, 'POST', `/runs/${slow.body.run_id}/cancel`)).status).toBe(204)
    expect((await acp(t, 'DELETE', `/runs/${slow.body.run_id}`)).status).toBe(204)
    for (const [m, p] of [
      ['GET', ''],
      ['GET', '/wait'],
      ['GET', '/stream'],
      ['POST', '/cancel'],
      ['DELETE', ''],
    ] as const) {
      expect((await acp(t, m, `/runs/${slow.body.run_id}${p}`)).status, `${m} ${p}`).toBe(404)
    }
    expect((await acp(t, 'POST', `/runs/${crypto.randomUUID()}`, 'x')).status).toBe(404)
  })

  it('422 for bad run bodies, naming the field, as an ErrorResponse string', async ({ expect }) => {
    for (const [body, field] of [
      [run('x', { multitask_strategy: 'sometimes' }), 'body.multitask_strategy'],
      [run('x', { on_completion: 'never' }), 'body.on_completion'],
      [run(''), 'body.input'],
      [run('x', { config: { model: 'no such/model' } }), 'body.config.model'],
      [run('x', { webhook: 'ftp://x' }), 'body.webhook'],
    ] as const) {
      const res = await acp(t, 'POST', '/runs', body)
      expect(res.status, field).toBe(422)
      expect(valid('ErrorResponse', res.body), field).toContain(field)
    }
    expect((await acp(t, 'POST', '/runs', run('x', { agent_id: crypto.randomUUID() }))).status).toBe(404)
  })

  it('POSTs the result to the webhook when the run ends, retrying a failed delivery', async ({ expect }) => {
    const hook = `http://127.0.0.1:${inject('fakeOpenAIPort')}/__webhook`
    const created = await acp(t, 'POST', '/runs', run('notify me', { webhook: hook, on_completion: 'keep' }))
    await acp(t, 'GET', `/runs/${created.body.run_id}/wait`)
    const deliveries = async () =>
      ((await (await fetch(`http://127.0.0.1:${inject('fakeOpenAIPort')}/__webhooks`)).json()) as { webhooks: { run_id: string; attempt: number; body: unknown }[] }).webhooks.filter(
        (w) => w.run_id === created.body.run_id,
      )
    await until(deliveries, (d) => d.length === 1)
    // The first delivery got a 500; the webhook queue retries it after its backoff.
    const all = await until(deliveries, (d) => d.length === 2, 15_000)
    expect(all.map((d) => d.attempt)).toEqual([1, 2])
    expect(all[1]?.body).toMatchObject({ run_id: created.body.run_id, status: 'success', output: { type: 'result', values: { output: 'You said: notify me' } } })
  })
})

describe('ACP auth', () => {
  it('401 without a key; another org cannot see threads or runs', async ({ expect }) => {
    const none = await call('POST', '/acp/agents/search', { body: {} })
    expect(none.status).toBe(401)
    valid('ErrorResponse', none.body)
    const other = await createTenant('acp-other')
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    expect((await acp(other, 'GET', `/threads/${thread}`)).status).toBe(404)
    expect((await acp(other, 'POST', '/threads', { thread_id: thread })).status).toBe(409)
    expect((await acp(other, 'GET', `/agents/${agentId}`)).status).toBe(404)
    expect((await acp(other, 'POST', `/threads/${thread}/runs`, { input: 'x' })).status).toBe(404)
  })
})

describe('ACP config and thread deletion', () => {
  const stats = async () => (await (await fetch(`http://127.0.0.1:${inject('fakeOpenAIPort')}/__stats`)).json()) as { requests: { model: string; system: string | null }[] }
  const runRow = async (runId: string) => (await call('GET', `/v1/organizations/${t.orgId}/runs/${runId}`, { key: t.key })).body

  it('the descriptor declares config; recursion_limit bounds the steps', async ({ expect }) => {
    const config = (await acp(t, 'GET', `/agents/${agentId}/descriptor`)).body.specs.config
    expect(Object.keys(config.properties)).toEqual(expect.arrayContaining(['tags', 'recursion_limit', 'configurable', 'timeout_seconds', 'model']))
    expect(Object.keys(config.properties.configurable.properties)).toEqual(['model', 'timeout_seconds', 'instructions'])

    const tool = '/tool render_visual {"kind":"kpi","title":"T","data":{}}'
    const bounded = await acp(t, 'POST', '/runs/wait', run(tool, { config: { recursion_limit: 1 } }))
    expect(bounded.body.run.status).toBe('error')
    expect((await runRow(bounded.body.run.run_id)).error).toMatchObject({ code: 'max_steps', message: 'Stopped after 1 steps' })
    expect((await acp(t, 'POST', '/runs/wait', run(tool))).body.run.status).toBe('success')
  })

  it('configurable reaches the agent: model (a bare name too) and instructions; an undeclared key is a 422', async ({ expect }) => {
    const bare = await acp(t, 'POST', '/runs/wait', run('which model', { config: { configurable: { model: 'gpt-4o', timeout_seconds: 30 } } }))
    expect(bare.body.run.status).toBe('success')
    expect((await runRow(bare.body.run.run_id)).model).toBe('dev/gpt-4o')

    const instructed = await acp(t, 'POST', '/runs/wait', run('hello', { config: { configurable: { model: 'openai/gpt-4o-mini', instructions: 'Answer in Russian.' } } }))
    expect(instructed.body.run.status).toBe('success')
    expect((await stats()).requests.at(-1)).toMatchObject({ model: 'gpt-4o-mini', system: expect.stringContaining('Answer in Russian.') })

    const alias = await acp(t, 'POST', '/runs/wait', run('alias', { config: { model: 'dev/echo', timeout_seconds: 5, run_name: 'ignored' } }))
    expect(alias.body.run.status).toBe('success')

    const unknown = await acp(t, 'POST', '/runs', run('x', { config: { configurable: { temperature: 2 } } }))
    expect(unknown.status).toBe(422)
    expect(valid('ErrorResponse', unknown.body)).toContain('config.configurable')
    const badModel = await acp(t, 'POST', '/runs', run('x', { config: { configurable: { model: 'no such/model' } } }))
    expect(badModel.status).toBe(422)
    expect(badModel.body).toContain('config.configurable.model')
  })

  it('tags are stored and searchable', async ({ expect }) => {
    const tag = `t${crypto.randomUUID().slice(0, 8)}`
    const both = await acp(t, 'POST', '/runs', run('tagged', { config: { tags: [tag, 'wb'] }, on_completion: 'keep' }))
    await acp(t, 'POST', '/runs', run('tagged too', { config: { tags: ['wb'] }, on_completion: 'keep' }))
    const found = await acp(t, 'POST', '/runs/search', { tags: [tag] })
    expect(found.body.map((r: { run_id: string }) => r.run_id)).toEqual([both.body.run_id])
    expect(found.body[0].creation.config.tags).toEqual([tag, 'wb'])
    expect((await acp(t, 'POST', '/runs/search', { tags: [tag, 'nope'] })).body).toEqual([])
  })

  it('deleting a thread with a pending run is a 409; once the run is cancelled it is deleted', async ({ expect }) => {
    const thread = (await acp(t, 'POST', '/threads', {})).body.thread_id
    const slow = await acp(t, 'POST', `/threads/${thread}/runs`, run('/slow 100 /tokens 50'))
    const refused = await acp(t, 'DELETE', `/threads/${thread}`)
    expect(refused.status).toBe(409)
    valid('ErrorResponse', refused.body)
    expect((await acp(t, 'GET', `/threads/${thread}`)).status).toBe(200)
    expect((await acp(t, 'POST', `/threads/${thread}/runs/${slow.body.run_id}/cancel`)).status).toBe(204)
    await until(
      async () => (await acp(t, 'GET', `/threads/${thread}`)).body.status,
      (s) => s === 'idle',
    )
    expect((await acp(t, 'DELETE', `/threads/${thread}`)).status).toBe(204)
    expect((await acp(t, 'GET', `/threads/${thread}`)).status).toBe(404)
  })
})

describe('ACP streams as the SDK reads them', () => {
  const tool = '/tool render_visual {"kind":"kpi","title":"T","data":{}}'

  it('every frame has its own increasing id, also when values and custom frames come from one event', async ({ expect }) => {
    const frames = await acpFrames(await acpFetch(t, 'POST', '/runs/stream', run(tool, { stream_mode: ['values', 'custom'] })))
    const ids = frames.map((f) => f.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(ids.map(Number)).toEqual([...ids.map(Number)].sort((a, b) => a - b))
    expect(ids.some((id) => id.includes('.'))).toBe(true)
  })

  it('a reconnect at any frame gets exactly the frames after it, values carrying the full state', async ({ expect }) => {
    const created = await acp(t, 'POST', '/runs', run(tool, { stream_mode: ['values', 'custom'], on_completion: 'keep' }))
    await acp(t, 'GET', `/runs/${created.body.run_id}/wait`)
    const all = await acpFrames(await acpFetch(t, 'GET', `/runs/${created.body.run_id}/stream`))
    expect(all.at(-1)?.data).toMatchObject({ type: 'values', values: { output: expect.stringContaining('Tool render_visual returned') } })
    for (let k = 0; k < all.length - 1; k++) {
      const rest = await acpFrames(await acpFetch(t, 'GET', `/runs/${created.body.run_id}/stream`, undefined, { 'last-event-id': all[k]?.id ?? '' }))
      expect(rest).toEqual(all.slice(k + 1))
    }
  })

  it('an interrupt ends the stream; after resume, joining with the last id streams the rest', async ({ expect }) => {
    const frames = await acpFrames(await acpFetch(t, 'POST', '/runs/stream', run('/ask Which marketplace?', { stream_mode: 'values', on_disconnect: 'continue', on_completion: 'keep' })))
    const last = frames.at(-1)
    expect(last?.data).toMatchObject({ type: 'interrupt', status: 'interrupted', interrupt: { interrupt_type: 'question', question: 'Which marketplace?' } })
    const runId = last?.data.run_id as string
    expect((await acp(t, 'POST', `/runs/${runId}`, 'Ozon')).status).toBe(200)
    const rest = await acpFrames(await acpFetch(t, 'GET', `/runs/${runId}/stream`, undefined, { 'last-event-id': last?.id ?? '' }))
    expect(rest.at(-1)?.data).toMatchObject({ type: 'values', status: 'success', values: { output: 'Thanks, you answered: Ozon' } })
    expect(rest.some((f) => f.data.type === 'interrupt')).toBe(false)
  })
})
