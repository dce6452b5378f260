import type { SandboxNamespace } from './runtime/sandbox'

/**
 * The slice of the `AI` binding (developers.cloudflare.com/workers-ai/configuration/bindings) the
 * runtime uses: `run(model, inputs)` answers a model's documented output (JSON, a byte stream for
 * images, an SSE stream with `stream: true`).
 */
export interface AiBinding {
  run(model: string, input: Record<string, unknown>): Promise<unknown>
}

/** Bindings declared in wrangler.toml, plus secrets from `wrangler secret put` / .dev.vars. */
export interface Env {
  DB: D1Database
  /** RunObject, ThreadObject: typed stubs come from workers/runs/stubs.ts (derived from the classes). */
  RUNS: DurableObjectNamespace
  THREADS: DurableObjectNamespace
  RUN_QUEUE: Queue<unknown>
  WEBHOOK_QUEUE: Queue<unknown>
  RATE_LIMITER: DurableObjectNamespace
  /** Requests per minute per API key / per organization, unless the key or org row overrides. */
  RATE_LIMIT_KEY_PER_MINUTE?: string
  RATE_LIMIT_ORG_PER_MINUTE?: string
  /** Failed authentications per minute per client address and per presented key prefix (default 20). */
  AUTH_FAILURES_PER_MINUTE?: string
  DEV_ORG_NAME?: string
  /** Base of links in responses (web_url, AgentInstance links); defaults to the request's origin. */
  PUBLIC_URL?: string
  DEFAULT_MODEL?: string
  /** Local dev only (.dev.vars): provisions org 1 with this key. Never set on deploy. */
  DEV_API_KEY?: string
  /** Guards /admin/*. Admin routes answer 404 while it is unset. */
  ADMIN_TOKEN?: string
  /** Base64 of 32 random bytes: the AES-GCM key for credential secrets. */
  ENCRYPTION_KEY?: string
  /** "true" only in local dev and tests: webhooks and org model endpoints may reach loopback/private addresses. */
  ALLOW_PRIVATE_TARGETS?: string
  /** OpenAI-compatible endpoint for `openai/*` models (default https://api.openai.com/v1). */
  OPENAI_BASE_URL?: string
  OPENAI_API_KEY?: string
  /** web_search / yandex_image_search provider: `searxng` (default; needs SEARCH_URL) or `brave` (needs SEARCH_API_KEY). */
  SEARCH_PROVIDER?: string
  SEARCH_URL?: string
  /** Secret. */
  SEARCH_API_KEY?: string
  /** R2 bucket of uploaded documents; without it the documents API answers 501 and the tool is unavailable. */
  FILES?: R2Bucket
  /** Workers AI: `workers-ai/*` models and the media tools; `[ai] binding = "AI"` on deploy (not used offline). */
  AI?: AiBinding
  /** The console and the docs bundle (`[assets]`); the worker runs first and hands them what no route answers. */
  ASSETS?: Fetcher
  /** Browser Rendering for browser_interact: `[browser] binding = "BROWSER"` (not used offline). */
  BROWSER?: Fetcher
  /** Sandbox containers for the code tools: the `Sandbox` Durable Object of `@cloudflare/sandbox` (see README). */
  SANDBOX?: SandboxNamespace
}
