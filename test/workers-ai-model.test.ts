import { env } from 'cloudflare:workers'
import { beforeAll, describe, it } from 'vitest'
import { WorkersAIModel } from '../workers/runtime/models/workers-ai'
import type { ModelChunk } from '../workers/runtime/models/types'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

// Workers AI runs here against test/fixtures/ai-stand-in.js (the binding's run(model, inputs) with
// the documented shapes); see vitest.config.ts.
interface StandInCall {
  model: string
  inputs: { messages?: { role: string; content: string; name?: string; tool_call_id?: string }[]; tools?: { type: string; function: { name: string } }[]; stream?: boolean }
}
const standInCalls = () => (env.AI as unknown as { calls(): Promise<StandInCall[]> }).calls()
const LLAMA = '@cf/meta/llama-3.3-70b-instruct-fp8-fast'

let t: Tenant
let agentId: string
beforeAll(async () => {
  t = await createTenant('workers-ai')
  const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Llama agent', model: `workers-ai/${LLAMA}` } })
  agentId = agent.body.id
})

const collect = async (chunks: AsyncIterable<ModelChunk>) => {
  const out: ModelChunk[] = []
  for await (const c of chunks) out.push(c)
  return out
}

describe('workers-ai/* models with tool calling (AI binding stand-in)', () => {
  it('a legacy-shape tool call runs the tool; its result goes back as a named tool message', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'call render_visual {"kind":"kpi","title":"Revenue","data":{"value":42}}' })
    const done = await waitTurn(t, s)
    expect(done).toMatchObject({ status: 'success', output: 'Tool render_visual said: [VISUAL] rendered kpi "Revenue"' })
    expect(done.usage.total_tokens).toBeGreaterThan(0)
    expect(done.costs.total).toBeGreaterThan(0)
    const events = await allEvents(s.turn_id)
    expect(events.find((e) => e.type === 'artifact')?.data).toEqual({ type: 'render_visual', kind: 'kpi', title: 'Revenue', data: { value: 42 } })
    const call = events.find((e) => e.type === 'tool_call')?.data
    expect(JSON.parse(String(call?.arguments))).toEqual({ kind: 'kpi', title: 'Revenue', data: { value: 42 } })

    const mine = (await standInCalls()).filter((c) => c.model === LLAMA && JSON.stringify(c.inputs.messages).includes('Revenue'))
    expect(mine).toHaveLength(2)
    const offered = mine[0]?.inputs.tools?.map((x) => x.function.name) ?? []
    expect(offered).toEqual(expect.arrayContaining(['request_form', 'exit', 'render_visual', 'generate_media', 'analyze_image', 'ocr', 'transcribe']))
    expect(offered).not.toContain('analyze_video')
    expect(mine[0]?.inputs.tools?.every((x) => x.type === 'function')).toBe(true)
    const second = mine[1]?.inputs.messages ?? []
    expect(second.at(-2)).toMatchObject({ role: 'assistant', content: JSON.stringify([{ name: 'render_visual', arguments: { kind: 'kpi', title: 'Revenue', data: { value: 42 } } }]) })
    expect(second.at(-1)).toMatchObject({ role: 'tool', name: 'render_visual', tool_call_id: call?.id, content: '[VISUAL] rendered kpi "Revenue"' })
  })

  it('exit in the OpenAI shape ends the run with its answer', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'callv2 exit {"answer":"All done via exit"}' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success', output: 'All done via exit' })
    expect((await allEvents(s.turn_id)).find((e) => e.type === 'tool_call')?.data).toMatchObject({ id: 'chatcmpl-tool-1', name: 'exit' })
  })

  it('request_form pauses the run for the user', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'call request_form {"question":"Ozon or Wildberries?"}' })
    const paused = await waitTurn(t, s)
    expect(paused.status).toBe('interrupted')
    expect(JSON.stringify(paused)).toContain('Ozon or Wildberries?')
  })

  it('a bad input from the binding fails the run with model_error; capacity errors are retryable', async ({ expect }) => {
    const s = await startTurn(t, { agent_id: agentId, message: 'fail input' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'error', error: { code: 'model_error', message: expect.stringContaining('5006') } })
    const model = new WorkersAIModel(env.AI as never)
    const req = { model: LLAMA, messages: [{ role: 'user' as const, content: 'fail capacity' }], tools: [], signal: new AbortController().signal, attempt: 1 }
    await expect(collect(model.stream(req))).rejects.toMatchObject({ name: 'ModelError', code: 'rate_limited', retryable: true })
  })

  it('an unknown model fails the run naming it', async ({ expect }) => {
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Nope', model: 'workers-ai/@cf/acme/no-such-model' } })
    const s = await startTurn(t, { agent_id: agent.body.id, message: 'hi' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'error', error: { code: 'model_error', message: expect.stringContaining('No such model @cf/acme/no-such-model') } })
  })

  it('without tools the reply streams as SSE chunks, with usage', async ({ expect }) => {
    const model = new WorkersAIModel(env.AI as never)
    const chunks = await collect(
      model.stream({ model: '@hf/nousresearch/hermes-2-pro-mistral-7b', messages: [{ role: 'user', content: 'hello there' }], tools: [], signal: new AbortController().signal, attempt: 1 }),
    )
    expect(chunks.filter((c) => c.type === 'text').map((c) => (c.type === 'text' ? c.text : ''))).toEqual(['Workers', ' AI', ' heard:', ' hello', ' there', ' (0', ' tools)'])
    expect(chunks.at(-1)).toEqual({ type: 'usage', usage: { prompt_tokens: 2, completion_tokens: 7, total_tokens: 9 } })
    expect((await standInCalls()).at(-1)?.inputs.stream).toBe(true)
  })
})
