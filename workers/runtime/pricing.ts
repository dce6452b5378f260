import type { Prices } from '../runs/types'

/** USD per 1M tokens. Unknown models cost 0 and say so in the README. */
const PRICES: Record<string, Prices> = {
  'dev/*': { prompt: 1, completion: 2 },
  'openai/gpt-4o-mini': { prompt: 0.15, completion: 0.6 },
  'openai/gpt-4o': { prompt: 2.5, completion: 10 },
  'openai/gpt-4.1-mini': { prompt: 0.4, completion: 1.6 },
  'openai/gpt-4.1': { prompt: 2, completion: 8 },
  // developers.cloudflare.com/workers-ai/platform/pricing (neurons converted to USD per 1M tokens).
  'workers-ai/@cf/meta/llama-3.3-70b-instruct-fp8-fast': { prompt: 0.293, completion: 2.253 },
  'workers-ai/@cf/meta/llama-3.1-8b-instruct': { prompt: 0.282, completion: 0.827 },
}

/** The price of a model, pinned into each run's spec when the run is created. */
export const priceOf = (model: string): Prices => PRICES[model] ?? PRICES[`${model.split('/')[0]}/*`] ?? { prompt: 0, completion: 0 }
