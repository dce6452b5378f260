import type { Env } from '../../env'
import { DevModel } from './dev'
import { parseModelId } from './model-id'
import { OpenAIModel } from './openai'
import { WorkersAIModel } from './workers-ai'
import { ModelError, type ModelProvider } from './types'

/** The provider for a `provider/model` id: the org's own endpoint when it set one, else the environment's. */
export function modelFor(env: Env, id: string, org: { baseUrl?: string; apiKey?: string } = {}): { provider: ModelProvider; model: string } {
  const parsed = parseModelId(id)
  if (!parsed) throw new ModelError('config_error', `unknown model "${id}"`, false)
  switch (parsed.provider) {
    case 'dev':
      return { provider: new DevModel(), model: parsed.model }
    case 'openai':
      return {
        provider: new OpenAIModel({
          baseUrl: org.baseUrl ?? env.OPENAI_BASE_URL ?? 'https://api.openai.com/v1',
          // An org endpoint never gets the deployment's key: it gets its own, or none.
          apiKey: org.baseUrl ? org.apiKey : (org.apiKey ?? env.OPENAI_API_KEY),
          guard: env,
        }),
        model: parsed.model,
      }
    case 'workers-ai':
      if (!env.AI) throw new ModelError('config_error', 'workers-ai models need the AI binding (see README)', false)
      return { provider: new WorkersAIModel(env.AI), model: parsed.model }
  }
}
