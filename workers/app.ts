import { Hono } from 'hono'
import { requestId } from 'hono/request-id'
import type { AppEnv } from './app-env'
import { createDb } from './db/client'
import { ensureDevTenant } from './db/dev-tenant'
import { createDialect } from './dialects/dialect'
import { acpErrors } from './dialects/acp-errors'
import { fastapiErrors } from './dialects/fastapi-errors'
import { problemDetails } from './dialects/problem-details'
import { ApiError } from './errors'
import { logUnhandled } from './lib/log'
import { requireAcpOrg } from './middleware/acp-org'
import { requireAdmin } from './middleware/admin'
import { requireApiKey, requireMember } from './middleware/auth'
import { acpAgentRoutes } from './routes/acp/agents'
import { acpRunRoutes } from './routes/acp/runs'
import { acpThreadRoutes } from './routes/acp/threads'
import { adminRoutes } from './routes/admin'
import { agentAccessRoutes } from './routes/agent-access'
import { agentRoutes } from './routes/agents'
import { codegenRoutes } from './routes/codegen'
import { credentialRoutes } from './routes/credentials'
import { artifactRoutes } from './routes/artifacts'
import { documentRoutes } from './routes/documents'
import { inboundHookRoutes, inboundRoutes } from './routes/inbound'
import { instanceRoutes } from './routes/instances'
import { mcpRoutes } from './routes/mcp'
import { meRoutes } from './routes/me'
import { modelSettingsRoutes } from './routes/model-settings'
import { runRoutes } from './routes/runs'
import { scheduleRoutes } from './routes/schedules'
import { searchSettingsRoutes } from './routes/search-settings'
import { sessionRoutes } from './routes/sessions'
import { toolRoutes } from './routes/tools'
import { usageRoutes } from './routes/usage'
import { webhookRoutes } from './routes/webhooks'
import { docsRoutes } from './routes/docs'
import { VERSION } from './version'

export { VERSION }

/** /v1: the Agents API (seed 003); later the Codegen runs (seed 001) share its FastAPI error shape. */
function v1App() {
  const v1 = createDialect(fastapiErrors)
  v1.doc31('/openapi.json', { openapi: '3.1.0', info: { title: 'agentplane /v1', version: VERSION } })
  v1.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer' })
  v1.use('*', requireApiKey())
  v1.use('/organizations/:org_id/*', requireMember())
  v1.use('/alpha/organizations/:org_id/*', requireMember())
  v1.route('/', meRoutes)
  v1.route('/', agentRoutes)
  v1.route('/', agentAccessRoutes)
  v1.route('/', credentialRoutes)
  v1.route('/', inboundRoutes)
  v1.route('/', sessionRoutes)
  v1.route('/', runRoutes)
  v1.route('/', codegenRoutes)
  v1.route('/', scheduleRoutes)
  v1.route('/', webhookRoutes)
  v1.route('/', usageRoutes)
  v1.route('/', modelSettingsRoutes)
  v1.route('/', toolRoutes)
  v1.route('/', documentRoutes)
  v1.route('/', searchSettingsRoutes)
  v1.route('/', artifactRoutes)
  return v1
}

/** /api/v2: the AgentInstance listing (seed 004), a .NET-style API: ProblemDetails errors, culture. */
function instancesApp() {
  const api = createDialect(problemDetails)
  api.use('*', requireApiKey())
  api.route('/', instanceRoutes)
  return api
}

/** /acp: Agent Connect Protocol 0.2.3; ErrorResponse bodies are bare strings. */
function acpApp() {
  const acp = createDialect(acpErrors)
  acp.use('*', requireApiKey())
  acp.use('*', requireAcpOrg())
  acp.route('/', acpAgentRoutes)
  acp.route('/', acpThreadRoutes)
  acp.route('/', acpRunRoutes)
  return acp
}

/** /mcp: agents as MCP tools over streamable HTTP; the org as for ACP (the key's only one, or X-Org-Id). */
function mcpApp() {
  const mcp = createDialect(acpErrors)
  mcp.use('*', requireApiKey())
  mcp.use('*', requireAcpOrg())
  mcp.route('/', mcpRoutes)
  return mcp
}

/** /hooks: inbound webhook deliveries for connectors (no API key: the URL token and signature). */
function hooksApp() {
  const hooks = createDialect(fastapiErrors)
  hooks.route('/', inboundHookRoutes)
  return hooks
}

function adminApp() {
  const admin = createDialect(fastapiErrors)
  admin.use('*', requireAdmin())
  admin.route('/', adminRoutes)
  return admin
}

/** Each dialect's OpenAPI 3.1 document, by mount prefix: what the fuzz suite generates its requests from. */
export function dialectDocuments() {
  const info = { title: 'agentplane', version: VERSION }
  return (
    [
      ['/v1', v1App()],
      ['/api/v2', instancesApp()],
      ['/acp', acpApp()],
      ['/admin', adminApp()],
    ] as const
  ).map(([prefix, app]) => ({ prefix, document: app.getOpenAPI31Document({ openapi: '3.1.0', info }) }))
}

/** Paths that belong to a dialect: an unknown one is that dialect's 404, never a static file. */
const API_PREFIX = /^\/(v1|acp|api|admin|mcp|hooks)(\/|$)/

export function createApp() {
  const app = new Hono<AppEnv>()
  app.use(requestId())
  app.use(async function attachDb(c, next) {
    c.set('db', createDb(c.env.DB))
    // Local dev only (DEV_API_KEY set): first of all, so org 1 is "dev" on a fresh state.
    await ensureDevTenant(c.env, c.var.db)
    await next()
  })
  // A browser asking for / gets the console; API clients keep the JSON banner.
  app.get('/', (c) =>
    c.req.header('accept')?.includes('text/html') ? c.redirect('/console/', 302) : c.json({ name: 'agentplane', version: VERSION, openapi: '/openapi.json', docs: '/docs', console: '/console/' }),
  )
  app.get('/health', (c) => c.json({ ok: true }))
  const v1 = v1App(),
    instances = instancesApp(),
    acp = acpApp(),
    admin = adminApp()
  app.route(
    '/',
    docsRoutes(
      [
        { prefix: '/v1', title: 'Agents API, sessions, runs, Codegen', app: v1, security: 'apiKey' },
        { prefix: '/acp', title: 'Agent Connect Protocol 0.2.3', app: acp, security: 'apiKey' },
        { prefix: '/api/v2', title: 'AgentInstance', app: instances, security: 'apiKey' },
        { prefix: '/admin', title: 'Admin', app: admin, security: 'adminToken' },
      ],
      VERSION,
    ),
  )
  app.route('/v1', v1)
  app.route('/api/v2', instances)
  app.route('/acp', acp)
  app.route('/admin', admin)
  app.route('/mcp', mcpApp())
  app.route('/hooks', hooksApp())
  // Sub-apps' notFound is not consulted when mounted, so unknown paths answer here, in the shape of the dialect whose prefix they carry.
  app.notFound(async (c) => {
    const path = new URL(c.req.url).pathname
    // The worker runs first (`run_worker_first`: no asset lookup in front of every API call); what no
    // route answers outside the API prefixes may be a file of the console or the docs bundle.
    if (c.env.ASSETS && (c.req.method === 'GET' || c.req.method === 'HEAD') && !API_PREFIX.test(path)) {
      const asset = await c.env.ASSETS.fetch(c.req.raw)
      if (asset.status !== 404) return asset
    }
    const mapper = path.startsWith('/acp/') ? acpErrors : path.startsWith('/api/v2/') ? problemDetails : fastapiErrors
    return mapper(new ApiError('not_found', `No route for ${c.req.method} ${path}`), c)
  })
  app.onError((err, c) => {
    if (!(err instanceof ApiError)) logUnhandled(c, err)
    return fastapiErrors(err instanceof ApiError ? err : new ApiError('internal', 'Internal server error'), c)
  })
  return app
}
