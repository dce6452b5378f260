import type { Costs, Usage } from '../runs/types'

/** USD per 1M tokens. Unknown models cost 0 and say so in the README. */
const PRICES: Record<string, { prompt: number; completion: number }> = {
  'dev/*': { prompt: 1, completion: 2 },
  'openai/gpt-4o-mini': { prompt: 0.15, completion: 0.6 },
  'openai/gpt-4o': { prompt: 2.5, completion: 10 },
  'openai/gpt-4.1-mini': { prompt: 0.4, completion: 1.6 },
  'openai/gpt-4.1': { prompt: 2, completion: 8 },
}

const priceOf = (model: string) => PRICES[model] ?? PRICES[`${model.split('/')[0]}/*`] ?? { prompt: 0, completion: 0 }

/** Rounds to 1e-9 USD so sums stay exact enough for billing and stable in JSON. */
const round = (n: number) => Math.round(n * 1e9) / 1e9

export function costOf(model: string, usage: Usage, services = 0): Costs {
  const p = priceOf(model)
  const prompt = round((usage.prompt_tokens * p.prompt) / 1e6)
  const completion = round((usage.completion_tokens * p.completion) / 1e6)
  return { prompt, completion, services, total: round(prompt + completion + services), currency: 'USD' }
}
