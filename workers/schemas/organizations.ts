import { z } from '@hono/zod-openapi'

export const ModelSettingsSchema = z.object({ openai_base_url: z.string().nullable(), openai_api_key_set: z.boolean() }).openapi('ModelSettings')

export const PutModelSettingsSchema = z
  .strictObject({
    openai_base_url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullish()
      .openapi({ description: 'OpenAI-compatible base URL, e.g. https://api.groq.com/openai/v1; null: the deployment default' }),
    openai_api_key: z.string().min(1).max(1000).nullish().openapi({ description: 'Stored encrypted, never returned; null clears it' }),
  })
  .openapi('PutModelSettings')

export const UsageSchema = z
  .object({ since: z.string(), spent_usd: z.number(), budget_usd: z.number().nullable(), remaining_usd: z.number().nullable(), currency: z.literal('USD') })
  .openapi('OrganizationUsage')

/** An org's own search provider for web_search / yandex_image_search. */
export const SearchSettingsSchema = z.object({ provider: z.enum(['searxng', 'brave']).nullable(), url: z.string().nullable(), api_key_set: z.boolean() }).openapi('SearchSettings')
export const PutSearchSettingsSchema = z
  .strictObject({
    provider: z.enum(['searxng', 'brave']).nullable().openapi({ description: 'null: use the deployment provider' }),
    url: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .nullish()
      .openapi({ description: 'SearXNG instance (required for searxng); Brave: default https://api.search.brave.com' }),
    api_key: z.string().min(1).max(1000).nullish().openapi({ description: 'Stored encrypted, never returned (required for brave)' }),
  })
  .openapi('PutSearchSettings')
