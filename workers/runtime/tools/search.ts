import { z } from 'zod'
import { createDb } from '../../db/client'
import { resolveSearch, searchImages, searchWeb } from '../search'
import { defineTool, type ToolContext, ToolError } from './types'

async function config(ctx: ToolContext) {
  const cfg = await resolveSearch(ctx.env, createDb(ctx.env.DB), ctx.spec.org_id)
  if (!cfg) throw new ToolError('no search provider is configured in this deployment')
  return cfg
}
// A plain query: the seed's web_search takes no operators.
const QuerySchema = z.string().trim().min(1).max(400)

export const webSearch = defineTool({
  name: 'web_search',
  input: z.object({ query: QuerySchema, count: z.number().int().min(1).max(10).default(5) }),
  run: async (args, ctx) => {
    const results = await searchWeb(ctx.env, await config(ctx), args.query, args.count, ctx.signal)
    return { kind: 'result', result: JSON.stringify({ query: args.query, results }) }
  },
})

export const yandexImageSearch = defineTool({
  name: 'yandex_image_search',
  input: z.object({ query: QuerySchema, count: z.number().int().min(1).max(20).default(8) }),
  run: async (args, ctx) => {
    const images = (await searchImages(ctx.env, await config(ctx), args.query, args.count, ctx.signal)).map((i) => ({ artifact_id: crypto.randomUUID(), ...i }))
    // The images are an artifact of the run: downstream tools and the UI address them by artifact_id.
    if (images.length) await ctx.emit('artifact', { type: 'image_search', query: args.query, images })
    return { kind: 'result', result: JSON.stringify({ query: args.query, images: images.map((i) => ({ artifact_id: i.artifact_id, url: i.image_url, source_url: i.source_url, title: i.title })) }) }
  },
})
