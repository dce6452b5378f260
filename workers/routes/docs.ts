import { Scalar } from '@scalar/hono-api-reference'
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Env } from '../env'
import { dialectDocument, mergedDocument, type DialectPart, type OpenApiDoc } from '../openapi'

/** Where scripts/build-console.mjs copies Scalar's standalone bundle (served by [assets], no CDN). */
export const SCALAR_BUNDLE = '/docs/scalar.js'

/** Scalar's options for /docs; the dev key is prefilled only where DEV_API_KEY exists (local dev). */
export function docsConfig(env: Pick<Env, 'DEV_API_KEY'>) {
  return {
    url: '/openapi.json',
    cdn: SCALAR_BUNDLE,
    pageTitle: 'agentplane API',
    // Nothing reaches Scalar's services: fonts (fonts.scalar.com), telemetry, the hosted AI agent,
    // MCP generation and the toolbar's share/deploy all stay off on a self-hosted page.
    withDefaultFonts: false,
    telemetry: false,
    agent: { disabled: true },
    mcp: { disabled: true },
    showToolbar: 'never' as const,
    showDeveloperTools: 'never' as const,
    ...(env.DEV_API_KEY ? { authentication: { preferredSecurityScheme: 'apiKey', securitySchemes: { apiKey: { token: env.DEV_API_KEY } } } } : {}),
  }
}

/**
 * Public: /openapi.json (every dialect), /acp/openapi.json (what ACP clients expect),
 * /docs (the reference). Mounted before the dialects, so their auth never sees these paths.
 */
export function docsRoutes(parts: DialectPart[], version: string) {
  let merged: OpenApiDoc | undefined
  const perDialect = new Map<string, OpenApiDoc>()
  const app = new Hono<AppEnv>()
  app.get('/openapi.json', (c) => {
    merged ??= mergedDocument(parts, version)
    return c.json(merged, 200)
  })
  for (const part of parts.filter((p) => p.prefix === '/acp')) {
    app.get(`${part.prefix}/openapi.json`, (c) => {
      const doc = perDialect.get(part.prefix) ?? dialectDocument(part, version)
      perDialect.set(part.prefix, doc)
      return c.json(doc, 200)
    })
  }
  app.get(
    '/docs',
    Scalar<AppEnv>((c) => docsConfig(c.env)),
  )
  return app
}
