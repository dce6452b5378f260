import { env } from 'cloudflare:workers'
import { describe, inject, it } from 'vitest'
import { z } from 'zod'
import { CATALOG, parametersOf, parseCatalog } from '../workers/runtime/tools/catalog'
import { invokeTool } from '../workers/runtime/tools/invoke'
import { defineTool, type Tool, type ToolContext } from '../workers/runtime/tools/types'
import { AgentToolListSchema, ToolListSchema } from '../workers/schemas/tools'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

/** Seed 003's table, group by group: name → Название. */
const SEED: Record<string, Record<string, string>> = {
  'Поиск в интернете': { web_search: 'Поиск в интернете', web_fetch: 'Загрузка страницы', yandex_image_search: 'Поиск картинок' },
  'Память пользователя': { read_memory: 'Чтение памяти', manage_memory: 'Управление памятью' },
  'Данные и документы': {
    documents: 'Документы',
    list_datasets: 'Склад · каталог датасетов',
    describe_dataset: 'Склад · схема датасета',
    manage_dataset: 'Склад · Онбординг датасета',
    manage_silver: 'Склад · Silver-маппинг',
    manage_gold: 'Склад · Gold-витрина',
  },
  Навыки: { skill_search: 'Поиск навыков', read_skill: 'Чтение навыка', manage_skill: 'Управление навыками' },
  'Коннекторы и сервисы': {
    list_services: 'Каталог сервисов',
    describe_service: 'Паспорт сервиса',
    connector_execute: 'Вызов сервиса',
    query_events: 'Журнал входящих событий',
    sign_document: 'Подписание документа КЭП',
  },
  'Задачи и автоматизации': { query_tasks: 'Просмотр задач', manage_task: 'Управление задачами', task_runtime: 'Состояние и пауза задачи' },
  'Выполнение кода': {
    sandbox_bash: 'Выполнение кода и команд',
    repl_execute: 'Код и данные',
    edit_file: 'Редактирование файла',
    exec_command: 'Терминал',
    write_stdin: 'Терминал: ввод',
    bsl_check: 'Проверка BSL',
  },
  'Браузер и формы': { browser_interact: 'Браузер', request_form: 'Форма пользователю' },
  Git: { git_clone: 'Клонирование репозитория', open_pull_request: 'Открыть PR/MR' },
  'Генерация и обработка медиа': { generate_media: 'Генерация медиа', edit_image: 'Обработка изображений', render_visual: 'Визуализация', render_map: 'Карта', message_compose: 'Черновик сообщения' },
  'Анализ (зрение, OCR, аудио)': { analyze_image: 'Анализ изображения', ocr: 'Распознавание текста (OCR)', transcribe: 'Транскрибация аудио', analyze_video: 'Анализ видео' },
  'Планирование и управление': { run_subagent: 'Делегирование подзадачи', publish_app: 'Публикация лендинга', exit: 'Завершение' },
}

const agentTools = async (t: Tenant, agentId: string) => {
  const res = await call('GET', `/v1/organizations/${t.orgId}/agents/${agentId}/tools`, { key: t.key })
  expect200(res.status, res.text)
  const body = AgentToolListSchema.parse(res.body)
  return new Map(body.items.map((i) => [i.name, i]))
}
const expect200 = (status: number, text: string) => {
  if (status !== 200) throw new Error(`${status} ${text}`)
}
const newAgent = async (t: Tenant, connectors: string[] = []) => {
  const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: `a-${crypto.randomUUID().slice(0, 6)}` } })
  if (connectors.length) await call('PUT', `/v1/organizations/${t.orgId}/agents/${agent.body.id}/connectors`, { key: t.key, body: { connector_keys: connectors } })
  return agent.body.id as string
}
const toolResult = async (runId: string) => (await allEvents(runId)).find((e) => e.type === 'tool_result')?.data.result

describe('GET /v1/tools', () => {
  it('lists the 44 tools of seed 003 in its groups and order, with display names, five blocks and full metadata', async ({ expect }) => {
    const t = await createTenant('catalog')
    const res = await call('GET', '/v1/tools', { key: t.key })
    expect(res.status).toBe(200)
    const body = ToolListSchema.parse(res.body)
    expect(body.total).toBe(44)
    const seedOrder = Object.entries(SEED).flatMap(([group, tools]) => Object.entries(tools).map(([name, display]) => ({ name, display, group })))
    expect(body.items.map((i) => ({ name: i.name, display: i.display_name, group: i.group }))).toEqual(seedOrder)
    expect(Object.values(SEED).map((g) => Object.keys(g).length)).toEqual([3, 2, 6, 3, 5, 3, 6, 2, 2, 5, 4, 3])
    for (const tool of body.items) {
      for (const [block, text] of Object.entries(tool.blocks)) expect(text.length, `${tool.name}.${block}`).toBeGreaterThan(10)
      const others = body.items.map((i) => i.name).filter((n) => n !== tool.name && tool.blocks.when_not_to_use.includes(n))
      expect(others.length, `${tool.name}: "Когда НЕ использовать" names an alternative tool`).toBeGreaterThan(0)
      expect(tool.synthesis.prefix, tool.name).toMatch(/^\[[A-Z_]+\]$/)
      expect(tool.examples.length, tool.name).toBeGreaterThan(0)
      expect(tool.timeout_ms === 0 ? tool.name : 'bounded').toBe(tool.name === 'request_form' ? 'request_form' : 'bounded')
      // Overridden fields exist in the executor's schema (a typo would silently shape nothing).
      if (tool.parameters) {
        const props = Object.keys((tool.parameters as { properties: object }).properties)
        for (const f of [...tool.schema_overrides.require_fields, ...tool.schema_overrides.strip_null_fields]) expect(props, `${tool.name}: ${f}`).toContain(f)
      }
    }
  })

  it('needs an API key', async ({ expect }) => {
    expect((await call('GET', '/v1/tools')).status).toBe(401)
  })
})

describe('GET /v1/organizations/{org_id}/agents/{agent_id}/tools', () => {
  it('says per tool whether the agent can use it, and why not', async ({ expect }) => {
    const t = await createTenant('avail')
    const bare = await agentTools(t, await newAgent(t))
    expect(bare.get('web_fetch')).toMatchObject({ available: true, reason: null })
    expect(bare.get('render_map')).toMatchObject({ available: true })
    expect(bare.get('generate_media')).toMatchObject({ available: true, reason: null })
    expect(bare.get('analyze_video')).toMatchObject({ available: false, reason: expect.stringMatching(/^not offered: Workers AI has no video model/) })
    expect(bare.get('browser_interact')).toMatchObject({ available: true, reason: null })
    expect(bare.get('sandbox_bash')).toMatchObject({ available: true, reason: null })
    expect(bare.get('exec_command')).toMatchObject({ available: false, reason: expect.stringMatching(/^not offered: the Sandbox SDK runs processes without stdin/) })
    expect(bare.get('list_services')).toMatchObject({ available: false, reason: expect.stringMatching(/^connector not allowed/) })
    expect(bare.get('sign_document')).toMatchObject({ available: false, reason: 'connector not allowed: needs one of diadoc, sbis' })

    const agentId = await newAgent(t, ['ozon'])
    const allowed = await agentTools(t, agentId)
    expect(allowed.get('connector_execute')).toMatchObject({ available: false, reason: expect.stringMatching(/^no grant/) })
    const cred = await call('POST', `/v1/organizations/${t.orgId}/credentials`, {
      key: t.key,
      body: { service_name: 'ozon', instance_id: 'main', secret: '{"client_id":"1","api_key":"s3cret-value"}' },
    })
    await call('POST', `/v1/organizations/${t.orgId}/agents/${agentId}/grants`, { key: t.key, body: { credential_id: cred.body.id } })
    const granted = await agentTools(t, agentId)
    // Granted, but its executor is not in this build: listed, never offered.
    expect(granted.get('connector_execute')).toMatchObject({ available: granted.get('connector_execute')?.implemented ?? false })
    if (!granted.get('connector_execute')?.implemented) expect(granted.get('connector_execute')?.reason).toBe('not implemented in this deployment')
    expect(JSON.stringify([...granted.values()])).not.toContain('s3cret-value')
  })

  it('404 for an unknown agent or another org’s, 422 for a bad org id', async ({ expect }) => {
    const a = await createTenant('avail-a')
    const b = await createTenant('avail-b')
    const agentA = await newAgent(a)
    expect((await call('GET', `/v1/organizations/${b.orgId}/agents/${agentA}/tools`, { key: b.key })).status).toBe(404)
    expect((await call('GET', `/v1/organizations/${a.orgId}/agents/${crypto.randomUUID()}/tools`, { key: a.key })).status).toBe(404)
    const bad = await call('GET', `/v1/organizations/abc/agents/${agentA}/tools`, { key: a.key })
    expect(bad.status).toBe(422)
    expect(JSON.stringify(bad.body)).toContain('org_id')
  })
})

describe('descriptors are applied in the loop', () => {
  it('a tool that is not available is refused with its reason, and the run goes on', async ({ expect }) => {
    const t = await createTenant('refuse')
    const s = await startTurn(t, { message: '/tool analyze_video {"source":"artifact:1"}' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success' })
    expect(JSON.parse(String(await toolResult(s.turn_id)))).toEqual({ error: expect.stringMatching(/^tool "analyze_video" is not available: not offered: Workers AI has no video model/) })
  })

  it('synthesis.prefix tags what the model reads; the event keeps the raw result', async ({ expect }) => {
    const t = await createTenant('prefix')
    const s = await startTurn(t, { message: '/tool render_map {"title":"Depots","points":[{"lat":55.75,"lon":37.62,"label":"Moscow"},{"lat":59.93,"lon":30.31,"label":"SPb"}]}' })
    const done = await waitTurn(t, s)
    expect(done.output).toBe('Tool render_map returned: [MAP] rendered map "Depots" with 2 points')
    expect(await toolResult(s.turn_id)).toBe('rendered map "Depots" with 2 points')
  })

  it('strip_null_fields drops nulls the model sends before validation', async ({ expect }) => {
    const t = await createTenant('strip')
    const s = await startTurn(t, { message: '/tool read_memory {"action":"list","path":null,"paths":null}' })
    await waitTurn(t, s)
    expect(JSON.parse(String(await toolResult(s.turn_id)))).toEqual([])
    // A field not listed keeps its null and fails validation, naming it.
    const bad = await startTurn(t, { message: '/tool render_map {"title":null,"points":[{"lat":1,"lon":2,"label":"x"}]}' })
    await waitTurn(t, bad)
    expect(JSON.parse(String(await toolResult(bad.turn_id)))).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['title'] }] })
  })
})

const YAML = (timeout: number) => `
probe:
  display_name: "Probe"
  group: "Test"
  description: |-
    Purpose of the probe tool.
    Когда использовать: in tests.
    Когда НЕ использовать: elsewhere — use exit.
    Key constraints: none at all.
    Result interpretation: read it.
  category: read
  result_type: status
  timeout_ms: ${timeout}
  is_mutating: false
  is_idempotent: true
  is_query_tool: false
  synthesis: { prefix: "[PROBE]" }
  examples: [{ q: "x" }]
  schema_overrides: { require_fields: [q], strip_null_fields: [n] }
`
const ctx = (signal = new AbortController().signal): ToolContext => ({ env, spec: {} as ToolContext['spec'], signal, callId: 'call_test', emit: async () => undefined })

describe('descriptor mechanics', () => {
  const seen: { aborted: boolean }[] = []
  const probe = defineTool({
    name: 'probe',
    input: z.object({ q: z.string().optional(), n: z.number().optional(), wait: z.enum(['signal', 'forever']).optional() }),
    run: async (args, c) => {
      if (args.wait === 'signal') {
        await new Promise((r) => c.signal.addEventListener('abort', r))
        seen.push({ aborted: c.signal.aborted })
        return { kind: 'result', result: 'late' }
      }
      if (args.wait === 'forever') await new Promise(() => undefined)
      return { kind: 'result', result: `q=${args.q} n=${args.n ?? 'none'}` }
    },
  }) as Tool

  it('timeout_ms bounds a call: the executor is aborted and the model gets a tool error', async ({ expect }) => {
    const [entry] = parseCatalog(YAML(50), { probe })
    if (!entry) throw new Error('no entry')
    expect(await invokeTool(entry, '{"q":"a","wait":"signal"}', ctx())).toEqual({ kind: 'result', result: JSON.stringify({ error: 'probe timed out after 50 ms' }) })
    expect(seen).toEqual([{ aborted: true }])
    // An executor that ignores its signal is cut off all the same.
    expect(await invokeTool(entry, '{"q":"a","wait":"forever"}', ctx())).toEqual({ kind: 'result', result: JSON.stringify({ error: 'probe timed out after 50 ms' }) })
  })

  it('require_fields makes optional fields required; strip_null_fields makes them nullable and drops null', async ({ expect }) => {
    const [entry] = parseCatalog(YAML(1000), { probe })
    if (!entry) throw new Error('no entry')
    const schema = parametersOf(entry) as { required: string[]; properties: Record<string, unknown> }
    expect(schema.required).toEqual(['q'])
    expect(schema.properties.n).toEqual({ anyOf: [{ type: 'number' }, { type: 'null' }] })
    expect(await invokeTool(entry, '{"n":1}', ctx())).toEqual({ kind: 'result', result: JSON.stringify({ error: 'invalid arguments', issues: [{ path: ['q'], message: 'required' }] }) })
    expect(await invokeTool(entry, '{"q":"x","n":null}', ctx())).toEqual({ kind: 'result', result: 'q=x n=none' })
  })

  it('a descriptor file with a missing block or field fails to load, naming the tool', ({ expect }) => {
    expect(() => parseCatalog(YAML(10).replace('Key constraints:', 'Constraints:'), {})).toThrow(/probe: description lacks "Key constraints:"/)
    expect(() => parseCatalog(YAML(10).replace('  is_query_tool: false\n', ''), {})).toThrow(/probe: is_query_tool/)
    expect(CATALOG.length).toBe(44)
  })
})

describe('what the model is offered', () => {
  it('exactly the available tools, with the descriptor text and the shaped JSON Schema', async ({ expect }) => {
    const t = await createTenant('offered')
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Offered', model: 'openai/gpt-4o-mini' } })
    const available = [...(await agentTools(t, agent.body.id)).values()].filter((i) => i.available).map((i) => i.name)
    const marker = `offered-${crypto.randomUUID()}`
    await waitTurn(t, await startTurn(t, { agent_id: agent.body.id, message: marker }))
    const stats = (await (await fetch(`http://127.0.0.1:${inject('fakeOpenAIPort')}/__stats`)).json()) as {
      requests: { user: string; tools: { function: { name: string; description: string; parameters: { required?: string[]; properties: Record<string, unknown> } } }[] }[]
    }
    const sent = stats.requests.find((r) => r.user === marker)?.tools.map((x) => x.function) ?? []
    expect(sent.map((f) => f.name).sort()).toEqual([...available].sort())
    expect(sent.map((f) => f.name)).not.toContain('analyze_video')
    const memory = sent.find((f) => f.name === 'manage_memory')
    expect(memory?.description).toContain('Когда НЕ использовать: for temporary notes of this task; to read — use read_memory.')
    expect(memory?.parameters.required).toEqual(['action', 'path'])
    expect(memory?.parameters.properties.new_path).toMatchObject({ anyOf: [{ type: 'string' }, { type: 'null' }] })
  })
})

describe('executor faults', () => {
  it('an executor that throws unexpectedly gives the model a tool error, and the log gets no arguments', async ({ expect }) => {
    const boom = defineTool({
      name: 'probe',
      input: z.object({ q: z.string() }),
      run: async (args) => {
        throw new RangeError(`secret-${args.q}`)
      },
    }) as Tool
    const [entry] = parseCatalog(YAML(1000), { probe: boom })
    if (!entry) throw new Error('no entry')
    const logged: string[] = []
    const original = console.error
    console.error = (...a: unknown[]) => void logged.push(a.map(String).join(' '))
    try {
      expect(await invokeTool(entry, '{"q":"hunter2"}', ctx())).toEqual({ kind: 'result', result: JSON.stringify({ error: 'probe failed with an internal error' }) })
    } finally {
      console.error = original
    }
    expect(logged).toEqual(['tool probe failed: RangeError'])
  })
})
