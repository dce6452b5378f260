/** Model ids are `provider/model`; these providers have an adapter in runtime/models. */
export const PROVIDERS = ['dev', 'openai', 'workers-ai'] as const
export type Provider = (typeof PROVIDERS)[number]

const MODEL_ID = /^([a-z-]+)\/([\w.:@/-]{1,150})$/

export function parseModelId(id: string): { provider: Provider; model: string } | undefined {
  const m = MODEL_ID.exec(id)
  const provider = PROVIDERS.find((p) => p === m?.[1])
  return provider && m?.[2] ? { provider, model: m[2] } : undefined
}
