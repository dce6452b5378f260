import { z } from 'zod'
import { bytesBase64, filesOf, loadSource, MODELS, runModel, sha256Hex } from '../media'
import { defineTool, ToolError } from './types'

const AUDIO = ['audio/mpeg', 'audio/wav', 'audio/ogg', 'audio/mp4', 'audio/x-m4a', 'audio/webm', 'audio/flac']

const WhisperSchema = z
  .object({
    text: z.string(),
    segments: z.array(z.object({ start: z.number().optional(), end: z.number().optional(), text: z.string().optional() }).loose()).optional(),
    transcription_info: z.object({ language: z.string().optional(), duration: z.number().optional() }).loose().optional(),
  })
  .loose()

interface Transcript {
  text: string
  language: string | null
  duration_s: number | null
  segments: { start: number; end: number; text: string }[]
}

/** One transcript per org, model, language and audio content: a repeated call reads it back. */
const cacheKey = (orgId: number, sha: string, language: string | undefined) => `orgs/${orgId}/cache/transcribe/${MODELS.whisper.replace(/\W+/g, '_')}/${language ?? 'auto'}/${sha}.json`

export const transcribe = defineTool({
  name: 'transcribe',
  input: z.object({
    sources: z.array(z.string().trim().min(1).max(2000)).min(1).max(10),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'an ISO 639-1 code such as ru or en')
      .optional(),
  }),
  run: async (args, ctx) => {
    const files = filesOf(ctx.env)
    const results: Record<string, unknown>[] = []
    for (const source of args.sources) {
      try {
        const media = await loadSource(ctx.env, ctx.spec, source, ctx.signal)
        if (!AUDIO.includes(media.contentType)) throw new ToolError(`${media.contentType} is not mp3, wav, ogg or m4a audio`)
        const sha = await sha256Hex(media.bytes)
        const key = cacheKey(ctx.spec.org_id, sha, args.language)
        const hit = await files.get(key)
        if (hit) {
          results.push({ source, sha256: sha, cached: true, ...(await hit.json<Transcript>()) })
          continue
        }
        const out = WhisperSchema.safeParse(await runModel(ctx.env, MODELS.whisper, { audio: bytesBase64(media.bytes), ...(args.language ? { language: args.language } : {}) }))
        if (!out.success) throw new ToolError('the speech model answered in an unexpected shape')
        const transcript: Transcript = {
          text: out.data.text.trim(),
          language: out.data.transcription_info?.language ?? args.language ?? null,
          duration_s: out.data.transcription_info?.duration ?? null,
          segments: (out.data.segments ?? []).map((s) => ({ start: s.start ?? 0, end: s.end ?? 0, text: (s.text ?? '').trim() })),
        }
        await files.put(key, JSON.stringify(transcript), { httpMetadata: { contentType: 'application/json' } })
        results.push({ source, sha256: sha, cached: false, ...transcript })
      } catch (err) {
        if (!(err instanceof ToolError)) throw err
        results.push({ source, error: err.message })
      }
    }
    return { kind: 'result', result: JSON.stringify({ results }) }
  },
})
