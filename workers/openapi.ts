import type { OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from './app-env'

/** One dialect sub-app as it is mounted on the root app. */
export interface DialectPart {
  prefix: string
  title: string
  app: OpenAPIHono<AppEnv>
  /** Security scheme every operation of this dialect needs. */
  security: 'apiKey' | 'adminToken'
}

type Json = null | boolean | number | string | Json[] | JsonObject
interface JsonObject {
  [k: string]: Json
}

/** OpenAPI 3.1 as zod-openapi emits it: the parts this module reads, the rest passed through. */
export interface OpenApiDoc {
  openapi: string
  info: { title: string; version: string; description?: string }
  servers?: { url: string; description?: string }[]
  paths: Record<string, JsonObject>
  components: { schemas: Record<string, Json>; securitySchemes: Record<string, Json> }
  tags?: { name: string }[]
  security?: Record<string, string[]>[]
  'x-tagGroups'?: { name: string; tags: string[] }[]
}

const SECURITY_SCHEMES: Record<DialectPart['security'], Json> = {
  apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: `Authorization: Bearer ap_…`' },
  adminToken: { type: 'http', scheme: 'bearer', description: 'The ADMIN_TOKEN secret (operators only)' },
}

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])

/** The document of one dialect, its paths relative to `servers[0]` (the dialect's mount point). */
export function dialectDocument(part: DialectPart, version: string): OpenApiDoc {
  const doc = part.app.getOpenAPI31Document({
    openapi: '3.1.0',
    info: { title: `agentplane — ${part.title}`, version },
    servers: [{ url: part.prefix }],
  }) as unknown as OpenApiDoc
  doc.components = { schemas: doc.components?.schemas ?? {}, securitySchemes: { [part.security]: SECURITY_SCHEMES[part.security] } }
  doc.security = [{ [part.security]: [] }]
  return doc
}

/**
 * One document for every dialect: paths prefixed with their mount point, tags grouped per dialect
 * (`x-tagGroups`, which Scalar renders as sections). A component name that two dialects define
 * differently is renamed in the later one (`Acp` + name) and its `$ref`s rewritten, so no dialect's
 * shape silently replaces another's.
 */
export function mergedDocument(parts: DialectPart[], version: string): OpenApiDoc {
  const merged: OpenApiDoc = {
    openapi: '3.1.0',
    info: {
      title: 'agentplane',
      version,
      description: parts.map((p) => `- \`${p.prefix}\`: ${p.title}`).join('\n'),
    },
    paths: {},
    components: { schemas: {}, securitySchemes: {} },
    tags: [],
    'x-tagGroups': [],
  }
  for (const part of parts) {
    const doc = renameClashes(dialectDocument(part, version), merged.components.schemas, part.prefix)
    Object.assign(merged.components.schemas, doc.components.schemas)
    Object.assign(merged.components.securitySchemes, doc.components.securitySchemes)
    const tags = new Set<string>()
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        if (!HTTP_METHODS.has(method) || !isObject(op)) continue
        op.security = [{ [part.security]: [] }]
        for (const t of Array.isArray(op.tags) ? op.tags : []) if (typeof t === 'string') tags.add(t)
      }
      merged.paths[`${part.prefix}${path}`] = ops
    }
    merged.tags?.push(...[...tags].map((name) => ({ name })))
    merged['x-tagGroups']?.push({ name: `${part.title} (${part.prefix})`, tags: [...tags] })
  }
  return merged
}

function renameClashes(doc: OpenApiDoc, taken: Record<string, Json>, prefix: string): OpenApiDoc {
  const stem = prefix
    .replace(/[^a-z0-9]/gi, ' ')
    .trim()
    .split(/\s+/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('')
  const clashes = Object.keys(doc.components.schemas).filter((name) => name in taken && JSON.stringify(taken[name]) !== JSON.stringify(doc.components.schemas[name]))
  if (clashes.length === 0) return doc
  let text = JSON.stringify(doc)
  for (const name of clashes) {
    text = text.replaceAll(`"#/components/schemas/${name}"`, `"#/components/schemas/${stem}${name}"`)
  }
  const renamed = JSON.parse(text) as OpenApiDoc
  for (const name of clashes) {
    renamed.components.schemas[`${stem}${name}`] = renamed.components.schemas[name] ?? null
    delete renamed.components.schemas[name]
  }
  return renamed
}

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v)
