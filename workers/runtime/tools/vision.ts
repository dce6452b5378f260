import { z } from 'zod'
import { bytesBase64, loadSource, type Media, MODELS, runModel } from '../media'
import { defineTool, type ToolContext, ToolError } from './types'

const SourceSchema = z.string().trim().min(1).max(2000)
/** The vision model reads one image per call; larger images cost more than they add. */
const MAX_IMAGE_BYTES = 10 * 1024 * 1024

const responseOf = (out: unknown): string => {
  const r = typeof out === 'object' && out !== null ? (out as { response?: unknown; description?: unknown }) : {}
  const text = typeof r.response === 'string' ? r.response : typeof r.description === 'string' ? r.description : undefined
  if (text === undefined) throw new ToolError('the vision model answered without text')
  return text.trim()
}

async function image(ctx: ToolContext, source: string): Promise<Media> {
  const media = await loadSource(ctx.env, ctx.spec, source, ctx.signal)
  if (!media.contentType.startsWith('image/')) throw new ToolError(`${source} is ${media.contentType}, not an image`)
  if (media.bytes.byteLength > MAX_IMAGE_BYTES) throw new ToolError(`${source} is larger than 10 MiB`)
  return media
}

/** `llama-3.2-11b-vision-instruct`: a chat turn plus the image as base64 (its documented input). */
const ask = async (ctx: ToolContext, media: Media, question: string): Promise<string> =>
  responseOf(await runModel(ctx.env, MODELS.vision, { messages: [{ role: 'user', content: question }], image: bytesBase64(media.bytes), max_tokens: 1024 }))

/** Runs each source on its own; one failure is reported in its slot, the others go on. */
async function each<T>(sources: string[], work: (source: string) => Promise<T>): Promise<({ source: string } & (T | { error: string }))[]> {
  const out: ({ source: string } & (T | { error: string }))[] = []
  for (const source of sources) {
    try {
      out.push({ source, ...(await work(source)) })
    } catch (err) {
      if (!(err instanceof ToolError)) throw err
      out.push({ source, error: err.message })
    }
  }
  return out
}

export const analyzeImage = defineTool({
  name: 'analyze_image',
  input: z.object({ images: z.array(SourceSchema).min(1).max(5), question: z.string().trim().min(1).max(2000).optional() }),
  run: async (args, ctx) => {
    const question = args.question ?? 'Describe this image in detail.'
    // The model takes one image per call: each is asked the same question, answers in order.
    const results = await each(args.images, async (source) => ({ answer: await ask(ctx, await image(ctx, source), question) }))
    return { kind: 'result', result: JSON.stringify({ question, results }) }
  },
})

const OCR_PROMPT = (language: string | undefined) =>
  `Transcribe all text in this image verbatim, line by line${language ? ` (the text is in ${language})` : ''}. Mark words you cannot read with [?]. Output only the text.`

export const ocr = defineTool({
  name: 'ocr',
  input: z.object({ sources: z.array(SourceSchema).min(1).max(10), language: z.string().min(2).max(32).optional() }),
  run: async (args, ctx) => {
    const results = await each(args.sources, async (source) => {
      const media = await loadSource(ctx.env, ctx.spec, source, ctx.signal)
      // Rasterising PDF pages needs a renderer the Worker does not have; a PDF is refused with the way round.
      if (media.contentType === 'application/pdf') throw new ToolError('PDF pages are not rasterised here: render them to images first (e.g. sandbox_bash with pdftoppm) and pass the images')
      if (!media.contentType.startsWith('image/')) throw new ToolError(`${media.contentType} is not an image`)
      if (media.bytes.byteLength > MAX_IMAGE_BYTES) throw new ToolError('larger than 10 MiB')
      const text = await ask(ctx, media, OCR_PROMPT(args.language))
      return { pages: [{ page: 1, text, low_confidence: (text.match(/\[\?\]/g) ?? []).length }] }
    })
    return { kind: 'result', result: JSON.stringify({ results }) }
  },
})
