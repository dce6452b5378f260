import type { Costs, Prices, Usage } from './types'

/** Rounds to 1e-9 USD so sums stay exact enough for billing and stable in JSON. */
const round = (n: number) => Math.round(n * 1e9) / 1e9

/** A run's costs from the prices pinned in its spec. */
export function costOf(prices: Prices, usage: Usage, services = 0): Costs {
  const prompt = round((usage.prompt_tokens * prices.prompt) / 1e6)
  const completion = round((usage.completion_tokens * prices.completion) / 1e6)
  return { prompt, completion, services, total: round(prompt + completion + services), currency: 'USD' }
}
