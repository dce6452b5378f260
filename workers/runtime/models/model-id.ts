/** Model ids are `provider/model`; these providers have an adapter in runtime/models. */
export const PROVIDERS = ['dev', 'openai', 'workers-ai'] as const
export type Provider = (typeof PROVIDERS)[number]

const MODEL_ID = /^([a-z-]+)\/([\w.:@/-]{1,150})$/
/** A bare model name, as Codegen and OpenAI clients send it (`gpt-4o`, `claude-sonnet-4.5`). */
const BARE_MODEL = /^[\w.:@-]{1,150}$/

/**
 * `provider/model` as is; a bare name gets the provider of the deployment's default model
 * (DEFAULT_MODEL, `dev/echo` unless configured), so `gpt-4o` runs where `openai/…` is the default.
 */
export function qualifyModelId(id: string, defaultModel = 'dev/echo'): string | undefined {
  if (parseModelId(id)) return id
  if (!BARE_MODEL.test(id)) return undefined
  const provider = parseModelId(defaultModel)?.provider ?? 'dev'
  return `${provider}/${id}`
}

export function parseModelId(id: string): { provider: Provider; model: string } | undefined {
  const m = MODEL_ID.exec(id)
  const provider = PROVIDERS.find((p) => p === m?.[1])
  return provider && m?.[2] ? { provider, model: m[2] } : undefined
}
