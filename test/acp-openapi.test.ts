import { OpenAPIHono } from '@hono/zod-openapi'
import { describe, it } from 'vitest'
import { acpAgentRoutes } from '../workers/routes/acp/agents'
import { acpRunRoutes } from '../workers/routes/acp/runs'
import { acpThreadRoutes } from '../workers/routes/acp/threads'

describe('ACP OpenAPI document', () => {
  it('types every JSON response (no open `{}` schema) with named ACP components', ({ expect }) => {
    const app = new OpenAPIHono().route('/', acpAgentRoutes).route('/', acpThreadRoutes).route('/', acpRunRoutes)
    const doc = app.getOpenAPI31Document({ openapi: '3.1.0', info: { title: 'acp', version: '0' } })
    const untyped: string[] = []
    for (const [path, item] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(item ?? {})) {
        const schema = (op as { responses?: Record<string, { content?: Record<string, { schema?: object }> }> }).responses?.['200']?.content?.['application/json']?.schema
        if (schema !== undefined && Object.keys(schema).length === 0) untyped.push(`${method} ${path}`)
      }
    }
    expect(untyped).toEqual([])
    expect(Object.keys(doc.components?.schemas ?? {})).toEqual(expect.arrayContaining(['Agent', 'AgentACPDescriptor', 'Thread', 'ThreadState', 'Run', 'RunOutput', 'RunWaitResponse']))
  })
})
