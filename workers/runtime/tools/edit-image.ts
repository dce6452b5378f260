import { crop, draw_text_with_color, gaussian_blur, padding_uniform, PhotonImage, resize, Rgba, SamplingFilter, watermark } from '@cf-wasm/photon'
import { z } from 'zod'
import { artifactEvent, type Artifact, loadSource, putArtifact } from '../media'
import { PRESETS } from './generate-media'
import { defineTool, type ToolContext, ToolError } from './types'

/** Operations that need a segmentation model: Workers AI has none, so they are refused with the reason. */
const UNAVAILABLE: Record<string, string> = {
  remove_background: 'remove_background is not available: it needs a segmentation model (Workers AI has none; the Cloudflare Images binding is not configured)',
  blur_background: 'blur_background is not available: it needs a segmentation model; use blur to blur the whole image',
}
const MAX_SIDE = 4096

const HexColor = z.string().regex(/^#?[0-9a-f]{6}$/i, 'a colour like #ffffff')
const ParamsSchema = z
  .object({
    x: z.number().int().min(0).optional(),
    y: z.number().int().min(0).optional(),
    width: z.number().int().min(1).max(MAX_SIDE).optional(),
    height: z.number().int().min(1).max(MAX_SIDE).optional(),
    radius: z.number().int().min(1).max(50).optional(),
    preset: z.enum(Object.keys(PRESETS) as [keyof typeof PRESETS, ...(keyof typeof PRESETS)[]]).optional(),
    text: z.string().min(1).max(200).optional(),
    size: z.number().min(6).max(400).optional(),
    color: HexColor.optional(),
  })
  .strict()
type Params = z.infer<typeof ParamsSchema>

const rgba = (hex = '#ffffff') => {
  const n = Number.parseInt(hex.replace('#', ''), 16)
  return new Rgba((n >> 16) & 255, (n >> 8) & 255, n & 255, 255)
}

function need<K extends keyof Params>(p: Params, key: K, op: string): NonNullable<Params[K]> {
  const v = p[key]
  if (v === undefined || v === null) throw new ToolError(`params.${key}: required for ${op}`)
  return v as NonNullable<Params[K]>
}

/** Fits the image inside the preset's canvas and centres it on white (marketplaces want exact sizes). */
function fitTo(img: PhotonImage, width: number, height: number): PhotonImage {
  const scale = Math.min(width / img.get_width(), height / img.get_height())
  const w = Math.max(1, Math.round(img.get_width() * scale))
  const h = Math.max(1, Math.round(img.get_height() * scale))
  const fitted = resize(img, w, h, SamplingFilter.Lanczos3)
  const canvas = new PhotonImage(new Uint8Array(width * height * 4).fill(255), width, height)
  watermark(canvas, fitted, BigInt(Math.floor((width - w) / 2)), BigInt(Math.floor((height - h) / 2)))
  fitted.free()
  return canvas
}

function apply(img: PhotonImage, operation: string, p: Params): PhotonImage {
  switch (operation) {
    case 'crop': {
      const x = p.x ?? 0
      const y = p.y ?? 0
      const w = need(p, 'width', 'crop')
      const h = need(p, 'height', 'crop')
      if (x + w > img.get_width() || y + h > img.get_height()) throw new ToolError(`params: the crop ${x},${y} ${w}×${h} leaves the ${img.get_width()}×${img.get_height()} image`)
      return crop(img, x, y, x + w, y + h)
    }
    case 'resize':
      return resize(img, need(p, 'width', 'resize'), need(p, 'height', 'resize'), SamplingFilter.Lanczos3)
    case 'marketplace_resize': {
      const [w, h] = PRESETS[need(p, 'preset', 'marketplace_resize')]
      return fitTo(img, w, h)
    }
    case 'border':
      return padding_uniform(img, need(p, 'width', 'border'), rgba(p.color))
    case 'blur':
      gaussian_blur(img, p.radius ?? 8)
      return img
    case 'text':
      draw_text_with_color(img, need(p, 'text', 'text'), p.x ?? 10, p.y ?? 10, p.size ?? 32, rgba(p.color ?? '#000000'))
      return img
    default:
      throw new ToolError(`operation: ${operation} is not supported`)
  }
}

async function editOne(ctx: ToolContext, source: string, operation: string, params: Params): Promise<Artifact> {
  const media = await loadSource(ctx.env, ctx.spec, source, ctx.signal)
  if (!['image/png', 'image/jpeg', 'image/webp', 'image/gif'].includes(media.contentType)) throw new ToolError(`${media.contentType} is not a PNG, JPEG, WebP or GIF image`)
  let img: PhotonImage
  try {
    img = PhotonImage.new_from_byteslice(media.bytes)
  } catch {
    throw new ToolError('the image could not be decoded')
  }
  try {
    const out = apply(img, operation, params)
    const bytes = out.get_bytes()
    if (out !== img) out.free()
    const base = media.name.replace(/\.[a-z0-9]+$/i, '') || 'image'
    return await putArtifact(ctx.env, ctx.spec, { bytes, contentType: 'image/png', name: `${base}-${operation}.png` })
  } finally {
    img.free()
  }
}

export const editImage = defineTool({
  name: 'edit_image',
  input: z.object({
    operation: z.enum(['crop', 'resize', 'marketplace_resize', 'border', 'blur', 'text', 'remove_background', 'blur_background']),
    sources: z.array(z.string().trim().min(1).max(2000)).min(1).max(20),
    params: ParamsSchema.default({}),
  }),
  run: async (args, ctx) => {
    const why = UNAVAILABLE[args.operation]
    if (why) throw new ToolError(why)
    const results: Record<string, unknown>[] = []
    for (const source of args.sources) {
      try {
        const a = await editOne(ctx, source, args.operation, args.params)
        await ctx.emit('artifact', artifactEvent('media', a, { kind: 'image', operation: args.operation, source }))
        results.push({ source, artifact_id: a.artifact_id, url: a.url })
      } catch (err) {
        if (!(err instanceof ToolError)) throw err
        results.push({ source, error: err.message })
      }
    }
    return { kind: 'result', result: JSON.stringify({ operation: args.operation, results }) }
  },
})
