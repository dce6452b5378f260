import { z } from 'zod'
import { type Artifact, artifactEvent, loadSource, MODELS, outputBytes, putArtifact, runModel, sniff } from '../media'
import { defineTool, type ToolContext, ToolError } from './types'

/** Marketplace and social sizes; SDXL takes 256–2048 px in steps of 8, so each is rounded to 8. */
export const PRESETS = {
  square: [1024, 1024],
  wildberries_card: [904, 1200],
  ozon_card: [1000, 1000],
  yandex_market_card: [800, 800],
  instagram_post: [1080, 1080],
  instagram_story: [1080, 1920],
  vk_post: [1280, 720],
  telegram_post: [1280, 720],
  banner_wide: [1920, 640],
} as const satisfies Record<string, readonly [number, number]>

/** melotts speaks these (developers.cloudflare.com/workers-ai/models/melotts). */
const SPEECH_LANGUAGES = ['en', 'es', 'fr', 'zh', 'jp', 'kr'] as const

/** Kinds Workers AI has no model for: refused with the reason (the descriptor says so too). */
const UNAVAILABLE: Record<string, string> = {
  video: 'video generation is not available: Workers AI has no text-to-video model',
  music: 'music generation is not available: Workers AI has no music model',
  sfx: 'sound-effect generation is not available: Workers AI has no sound-effect model',
}

const slug = (prompt: string) =>
  prompt
    .toLowerCase()
    .replace(/[^a-z0-9а-яё]+/gi, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40) || 'media'

async function image(args: GenerateArgs, ctx: ToolContext, i: number): Promise<Artifact> {
  const [width, height] = PRESETS[args.preset ?? 'square']
  let out: unknown
  if (args.source) {
    const source = await loadSource(ctx.env, ctx.spec, args.source, ctx.signal)
    if (!source.contentType.startsWith('image/')) throw new ToolError(`source: ${args.source} is ${source.contentType}, not an image`)
    out = await runModel(ctx.env, MODELS.imageToImage, { prompt: args.prompt, image: [...source.bytes], strength: 0.6, width, height })
  } else {
    out = await runModel(ctx.env, MODELS.textToImage, { prompt: args.prompt, width, height, ...(args.count > 1 ? { seed: i + 1 } : {}) })
  }
  const bytes = await outputBytes(out, 'image')
  const contentType = sniff(bytes, 'image/png')
  const ext = contentType === 'image/jpeg' ? 'jpg' : 'png'
  return putArtifact(ctx.env, ctx.spec, { bytes, contentType, name: `${slug(args.prompt)}${args.count > 1 ? `-${i + 1}` : ''}.${ext}` })
}

async function speech(args: GenerateArgs, ctx: ToolContext): Promise<Artifact> {
  const lang = args.language ?? 'en'
  if (!(SPEECH_LANGUAGES as readonly string[]).includes(lang)) throw new ToolError(`language: speech supports ${SPEECH_LANGUAGES.join(', ')}, not ${lang}`)
  const bytes = await outputBytes(await runModel(ctx.env, MODELS.speech, { prompt: args.prompt, lang }), 'audio')
  return putArtifact(ctx.env, ctx.spec, { bytes, contentType: sniff(bytes, 'audio/mpeg'), name: `${slug(args.prompt)}.mp3` })
}

const GenerateSchema = z.object({
  kind: z.enum(['image', 'speech', 'video', 'music', 'sfx']),
  prompt: z.string().trim().min(1).max(2000),
  preset: z.enum(Object.keys(PRESETS) as [keyof typeof PRESETS, ...(keyof typeof PRESETS)[]]).optional(),
  count: z.number().int().min(1).max(4).default(1),
  /** Image-to-image: the picture to start from (artifact:<id>, document:<id> or a URL). */
  source: z.string().min(1).max(2000).optional(),
  /** Speech only: the voice's language. */
  language: z.string().min(2).max(5).optional(),
})
type GenerateArgs = z.infer<typeof GenerateSchema>

export const generateMedia = defineTool({
  name: 'generate_media',
  input: GenerateSchema,
  run: async (args, ctx) => {
    const why = UNAVAILABLE[args.kind]
    if (why) throw new ToolError(why)
    if (args.kind === 'speech' && (args.count > 1 || args.source)) throw new ToolError('count and source apply to images only')
    const artifacts: Artifact[] = []
    for (let i = 0; i < (args.kind === 'image' ? args.count : 1); i++) {
      const a = args.kind === 'image' ? await image(args, ctx, i) : await speech(args, ctx)
      await ctx.emit('artifact', artifactEvent('media', a, { kind: args.kind, prompt: args.prompt }))
      artifacts.push(a)
    }
    return { kind: 'result', result: JSON.stringify({ kind: args.kind, artifacts: artifacts.map((a) => ({ artifact_id: a.artifact_id, url: a.url, content_type: a.content_type, name: a.name })) }) }
  },
})
