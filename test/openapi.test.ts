import { exports } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../workers/app-env'
import { mergedDocument } from '../workers/openapi'
import { docsConfig } from '../workers/routes/docs'
import acpSpec from './specs/acp-openapi-0.2.3.json'
import codegenSpec from './specs/codegen-openapi.json'
import { BASE, call } from './helpers/api'

type Op = { tags?: string[]; security?: unknown[]; parameters?: { name: string; in: string }[]; requestBody?: { required?: boolean } }
type Doc = {
  openapi: string
  servers?: { url: string }[]
  paths: Record<string, Record<string, Op>>
  components: { schemas: Record<string, unknown> }
  'x-tagGroups'?: { name: string; tags: string[] }[]
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch']
const operations = (doc: Pick<Doc, 'paths'>) =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops)
      .filter((m) => METHODS.includes(m))
      .map((m) => `${m.toUpperCase()} ${path}`),
  )
/** Path parameter names of an operation, wherever the spec declares them (path item or operation). */
const pathParams = (doc: Pick<Doc, 'paths'>, path: string, method: string) => {
  const item = doc.paths[path] as Record<string, Op> & { parameters?: Op['parameters'] }
  return [...(item.parameters ?? []), ...(item[method]?.parameters ?? [])]
    .filter((p) => p.in === 'path')
    .map((p) => p.name)
    .sort()
}
const refs = (v: unknown): string[] => JSON.stringify(v).match(/"#\/components\/schemas\/[^"]+"/g) ?? []

describe('OpenAPI', () => {
  it('/openapi.json documents every dialect in one 3.1 document whose $refs all resolve', async ({ expect }) => {
    const res = await call<Doc>('GET', '/openapi.json')
    expect(res.status).toBe(200)
    const doc = res.body
    expect(doc.openapi).toBe('3.1.0')
    const ops = operations(doc)
    for (const op of [
      'GET /v1/organizations/{org_id}/agents',
      'POST /v1/sessions/stream',
      'POST /acp/threads/{thread_id}/runs/stream',
      'GET /api/v2/AgentInstance/{agentCode}',
      'POST /admin/organizations',
      'GET /v1/organizations/{org_id}/usage',
    ]) {
      expect(ops).toContain(op)
    }
    expect(ops.length).toBeGreaterThan(80)
    for (const ref of refs(doc)) expect(doc.components.schemas, ref).toHaveProperty([ref.slice(22, -1)])
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const op of Object.values(item)) expect(op.security, path).toEqual([{ [path.startsWith('/admin') ? 'adminToken' : 'apiKey']: [] }])
    }
    expect(doc['x-tagGroups']?.map((g) => g.name)).toEqual(['Agents API, sessions, runs, Codegen (/v1)', 'Agent Connect Protocol 0.2.3 (/acp)', 'AgentInstance (/api/v2)', 'Admin (/admin)'])
  })

  it('/acp/openapi.json has every operation of the upstream ACP 0.2.3 spec, with its path parameters', async ({ expect }) => {
    const res = await call<Doc>('GET', '/acp/openapi.json')
    expect(res.status).toBe(200)
    expect(res.body.servers).toEqual([{ url: '/acp' }])
    const upstream = acpSpec as unknown as Doc
    expect(operations(res.body).sort()).toEqual(operations(upstream).sort())
    for (const op of operations(upstream)) {
      const [method = '', path = ''] = op.split(' ')
      const m = method.toLowerCase()
      expect(pathParams(res.body, path, m), op).toEqual(pathParams(upstream, path, m))
      expect(res.body.paths[path]?.[m]?.requestBody !== undefined, op).toBe(upstream.paths[path]?.[m]?.requestBody !== undefined)
    }
  })

  it('where /v1 overlaps the Codegen spec, the operations and their path parameters match', async ({ expect }) => {
    const ours = (await call<Doc>('GET', '/openapi.json')).body
    const upstream = codegenSpec as unknown as Doc
    const shared = operations(upstream).filter((op) => operations(ours).includes(op))
    expect(shared).toEqual(
      expect.arrayContaining([
        'POST /v1/organizations/{org_id}/agent/run',
        'GET /v1/organizations/{org_id}/agent/run/{agent_run_id}',
        'GET /v1/organizations/{org_id}/agent/runs',
        'POST /v1/organizations/{org_id}/agent/run/resume',
        'GET /v1/users/me',
        'GET /v1/organizations',
      ]),
    )
    for (const op of shared) {
      const [method = '', path = ''] = op.split(' ')
      expect(pathParams(ours, path, method.toLowerCase()), op).toEqual(pathParams(upstream, path, method.toLowerCase()))
    }
  })

  it('a component two dialects define differently is renamed in the later one, its $refs with it', ({ expect }) => {
    const dialect = (shape: z.ZodObject) => {
      const app = new OpenAPIHono<AppEnv>()
      const Agent = shape.openapi('Agent')
      app.openapi(createRoute({ method: 'get', path: '/agent', responses: { 200: { description: 'x', content: { 'application/json': { schema: Agent } } } } }), (c) => c.json({} as never, 200))
      return app
    }
    const doc = mergedDocument(
      [
        { prefix: '/v1', title: 'one', app: dialect(z.object({ id: z.string() })), security: 'apiKey' },
        { prefix: '/acp', title: 'two', app: dialect(z.object({ agent_id: z.string() })), security: 'apiKey' },
        { prefix: '/again', title: 'same', app: dialect(z.object({ id: z.string() })), security: 'apiKey' },
      ],
      '0',
    )
    expect(Object.keys(doc.components.schemas).sort()).toEqual(['AcpAgent', 'Agent'])
    expect(refs(doc.paths['/acp/agent'])).toEqual(['"#/components/schemas/AcpAgent"'])
    expect(refs(doc.paths['/v1/agent'])).toEqual(['"#/components/schemas/Agent"'])
    expect(refs(doc.paths['/again/agent'])).toEqual(['"#/components/schemas/Agent"'])
  })

  it('/v1/openapi.json still serves the /v1 document alone', async ({ expect }) => {
    const res = await call<Doc>('GET', '/v1/openapi.json')
    expect(res.status).toBe(200)
    expect(operations(res.body).every((op) => !op.includes(' /acp') && !op.includes(' /admin'))).toBe(true)
    expect(operations(res.body)).toContain('GET /organizations/{org_id}/agents')
  })
})

describe('/docs', () => {
  it('serves the reference over /openapi.json with the bundled script and the dev key prefilled', async ({ expect }) => {
    const res = await call('GET', '/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('text/html')
    expect(res.text).toContain('<script src="/docs/scalar.js"></script>')
    expect(res.text).toContain('"url": "/openapi.json"')
    expect(res.text).not.toMatch(/https?:\/\//)
    expect(res.text).toContain('"token": "ap_dev_key"')
  })

  it('prefills no key where DEV_API_KEY is unset (deployed)', ({ expect }) => {
    expect(docsConfig({})).not.toHaveProperty('authentication')
    expect(JSON.stringify(docsConfig({}))).not.toContain('ap_')
  })

  it('a browser opening / is sent to the console; API clients keep the JSON banner', async ({ expect }) => {
    const html = await exports.default.fetch(`${BASE}/`, { headers: { accept: 'text/html,application/xhtml+xml' }, redirect: 'manual' })
    expect(html.status).toBe(302)
    expect(html.headers.get('location')).toBe('/console/')
    const json = await call('GET', '/')
    expect(json.body).toMatchObject({ name: 'agentplane', openapi: '/openapi.json', docs: '/docs' })
  })
})
