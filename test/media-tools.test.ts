import { env } from 'cloudflare:workers'
import { exports } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { availability, getEntry } from '../workers/runtime/tools/catalog'
import { BASE, call, createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

// Workers AI answers from test/fixtures/ai-stand-in.js (documented run(model, inputs) shapes); the
// artifacts land in the real local R2 bucket FILES.
interface StandInCall {
  model: string
  inputs: Record<string, unknown>
}
const standInCalls = () => (env.AI as unknown as { calls(): Promise<StandInCall[]> }).calls()
const PNG_B64 = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGM4ISeHFTEMLQkAkL9BAbKfPiIAAAAASUVORK5CYII='
const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]

async function tool(t: Tenant, name: string, args: Record<string, unknown>) {
  const s = await startTurn(t, { message: `/tool ${name} ${JSON.stringify(args)}` })
  const done = await waitTurn(t, s)
  if (done.status !== 'success') throw new Error(`run ended ${done.status}`)
  const events = await allEvents(s.turn_id)
  return { events, artifacts: events.filter((e) => e.type === 'artifact').map((e) => e.data), result: JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result)) }
}

async function upload(t: Tenant, name: string, bytes: Uint8Array | string, contentType: string): Promise<string> {
  const content_base64 = typeof bytes === 'string' ? bytes : btoa(String.fromCharCode(...bytes))
  const res = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body: { name, content_base64, content_type: contentType } })
  if (res.status !== 201) throw new Error(`upload ${res.status} ${res.text}`)
  return `document:${res.body.id}`
}

const download = (t: Tenant, url: string) => exports.default.fetch(`${BASE}${url}`, { headers: { authorization: `Bearer ${t.key}` } })

describe('generate_media', () => {
  it('makes count PNGs at the preset size, stores them in R2 as artifacts and announces each', async ({ expect }) => {
    const t = await createTenant('gen')
    const { result, artifacts } = await tool(t, 'generate_media', { kind: 'image', prompt: 'Tea packaging, flat', preset: 'ozon_card', count: 2 })
    expect(result.kind).toBe('image')
    expect(result.artifacts).toHaveLength(2)
    expect(result.artifacts[0]).toEqual({
      artifact_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      url: `/v1/organizations/${t.orgId}/artifacts/${result.artifacts[0].artifact_id}`,
      content_type: 'image/png',
      name: 'tea-packaging-flat-1.png',
    })
    expect(artifacts.map((a) => a.artifact_id)).toEqual(result.artifacts.map((a: { artifact_id: string }) => a.artifact_id))
    expect(artifacts[0]).toMatchObject({ type: 'media', kind: 'image', prompt: 'Tea packaging, flat', size: 74 })

    const object = await env.FILES?.get(`orgs/${t.orgId}/artifacts/${result.artifacts[1].artifact_id}`)
    expect([...new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0)).subarray(0, 8)]).toEqual(PNG_SIGNATURE)
    const res = await download(t, result.artifacts[0].url)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('image/png')
    expect((await res.arrayBuffer()).byteLength).toBe(74)

    const sent = (await standInCalls()).filter((c) => c.model === '@cf/stabilityai/stable-diffusion-xl-base-1.0' && c.inputs.prompt === 'Tea packaging, flat')
    expect(sent.map((c) => c.inputs)).toEqual([
      { prompt: 'Tea packaging, flat', width: 1000, height: 1000, seed: 1 },
      { prompt: 'Tea packaging, flat', width: 1000, height: 1000, seed: 2 },
    ])
  })

  it('another org cannot download the artifact; an unknown id is 404', async ({ expect }) => {
    const a = await createTenant('gen-a')
    const b = await createTenant('gen-b')
    const { result } = await tool(a, 'generate_media', { kind: 'image', prompt: 'private' })
    const id = result.artifacts[0].artifact_id
    expect((await download(b, `/v1/organizations/${b.orgId}/artifacts/${id}`)).status).toBe(404)
    expect((await download(b, `/v1/organizations/${a.orgId}/artifacts/${id}`)).status).toBe(403)
    expect((await download(a, `/v1/organizations/${a.orgId}/artifacts/${crypto.randomUUID()}`)).status).toBe(404)
  })

  it('image-to-image from an artifact; speech as MP3; refusals name the field or the reason', async ({ expect }) => {
    const t = await createTenant('gen-more')
    const first = await tool(t, 'generate_media', { kind: 'image', prompt: 'a kettle' })
    const again = await tool(t, 'generate_media', { kind: 'image', prompt: 'the kettle in blue', source: `artifact:${first.result.artifacts[0].artifact_id}` })
    expect(again.result.artifacts).toHaveLength(1)
    const img2img = (await standInCalls()).filter((c) => c.model === '@cf/runwayml/stable-diffusion-v1-5-img2img' && c.inputs.prompt === 'the kettle in blue')
    expect(img2img[0]?.inputs).toMatchObject({ image: { bytes: 74 }, strength: 0.6 })

    const speech = await tool(t, 'generate_media', { kind: 'speech', prompt: 'Hello and welcome', language: 'en' })
    expect(speech.result.artifacts[0]).toMatchObject({ content_type: 'audio/mpeg', name: 'hello-and-welcome.mp3' })
    expect(speech.artifacts[0]).toMatchObject({ type: 'media', kind: 'speech' })

    expect((await tool(t, 'generate_media', { kind: 'speech', prompt: 'Привет', language: 'ru' })).result).toEqual({ error: 'language: speech supports en, es, fr, zh, jp, kr, not ru' })
    expect((await tool(t, 'generate_media', { kind: 'video', prompt: 'unboxing' })).result).toEqual({ error: 'video generation is not available: Workers AI has no text-to-video model' })
    expect((await tool(t, 'generate_media', { kind: 'image', prompt: 'x', count: 5 })).result).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['count'] }] })
    expect((await tool(t, 'generate_media', { kind: 'image', prompt: 'x', source: 'artifact:00000000-0000-4000-8000-000000000000' })).result).toEqual({
      error: 'artifact:00000000-0000-4000-8000-000000000000: no such artifact',
    })
    const nsfw = await tool(t, 'generate_media', { kind: 'image', prompt: 'nsfw thing' })
    expect(nsfw.result).toEqual({ error: 'Workers AI (@cf/stabilityai/stable-diffusion-xl-base-1.0) failed: 3030: Input prompt contains NSFW content.' })
    expect(nsfw.artifacts).toEqual([])
  })
})

describe('analyze_image and ocr on the vision model', () => {
  it('asks each image the question; a source that is not an image fails in its slot only', async ({ expect }) => {
    const t = await createTenant('vision')
    const png = await upload(t, 'card.png', PNG_B64, 'image/png')
    const text = await upload(t, 'notes.txt', btoa('just text'), 'text/plain')
    const { result } = await tool(t, 'analyze_image', { images: [png, text], question: 'What is wrong with this card?' })
    expect(result).toEqual({
      question: 'What is wrong with this card?',
      results: [
        { source: png, answer: expect.stringMatching(/^An image of 74 bytes \([0-9a-f]{16}\)\. Asked: What is wrong with this card\?$/) },
        { source: text, error: `${text} is text/plain, not an image` },
      ],
    })
    const six = Array.from({ length: 6 }, () => png)
    expect((await tool(t, 'analyze_image', { images: six })).result).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['images'] }] })
  })

  it('ocr transcribes images; a PDF is refused with the way round; at most 10 sources', async ({ expect }) => {
    const t = await createTenant('ocr')
    const png = await upload(t, 'receipt.png', PNG_B64, 'image/png')
    const pdf = await upload(t, 'scan.pdf', btoa('%PDF-1.4 scanned'), 'application/pdf')
    const { result } = await tool(t, 'ocr', { sources: [png, pdf] })
    expect(result.results[0]).toEqual({ source: png, pages: [{ page: 1, text: expect.stringMatching(/^TEXT OF 74 BYTES/), low_confidence: 0 }] })
    expect(result.results[1]).toEqual({ source: pdf, error: expect.stringContaining('PDF pages are not rasterised here') })
    const vision = (await standInCalls()).filter((c) => c.model === '@cf/meta/llama-3.2-11b-vision-instruct').at(-1)
    expect(JSON.stringify(vision?.inputs.messages)).toContain('Transcribe all text in this image verbatim')
    expect((await tool(t, 'ocr', { sources: Array.from({ length: 11 }, () => png) })).result).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['sources'] }] })
  })
})

describe('transcribe (Whisper), cached by content hash', () => {
  it('a repeated call returns the cached transcript without calling the model again', async ({ expect }) => {
    const t = await createTenant('whisper')
    const audio = new TextEncoder().encode(`ID3\u0004 voice message ${crypto.randomUUID()}`)
    const mp3 = await upload(t, 'voice.mp3', audio, 'audio/mpeg')
    const whisperCalls = async () => (await standInCalls()).filter((c) => c.model === '@cf/openai/whisper-large-v3-turbo').length

    const before = await whisperCalls()
    const first = (await tool(t, 'transcribe', { sources: [mp3], language: 'ru' })).result.results[0]
    expect(first).toEqual({
      source: mp3,
      sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
      cached: false,
      text: `spoken words of ${audio.length} bytes`,
      language: 'ru',
      duration_s: 3,
      segments: [
        { start: 0, end: 1.5, text: 'spoken words' },
        { start: 1.5, end: 3, text: `of ${audio.length} bytes` },
      ],
    })
    const second = (await tool(t, 'transcribe', { sources: [mp3], language: 'ru' })).result.results[0]
    expect(second).toEqual({ ...first, cached: true })
    expect((await whisperCalls()) - before).toBe(1)
    expect(await env.FILES?.head(`orgs/${t.orgId}/cache/transcribe/_cf_openai_whisper_large_v3_turbo/ru/${first.sha256}.json`)).not.toBeNull()

    const png = await upload(t, 'pic.png', PNG_B64, 'image/png')
    expect((await tool(t, 'transcribe', { sources: [png] })).result.results[0]).toEqual({ source: png, error: 'image/png is not mp3, wav, ogg or m4a audio' })
    expect((await tool(t, 'transcribe', { sources: [mp3], language: 'russian' })).result).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['language'] }] })
  })
})

describe('availability follows the bindings', () => {
  it('no AI or no FILES: not offered, and the reason says which; analyze_video says why it is not offered', async ({ expect }) => {
    const entry = (name: string) => {
      const e = getEntry(name)
      if (!e) throw new Error(name)
      return e
    }
    const access = (over: Record<string, unknown>) => ({ env: { ...env, ...over }, connectors: [], grantedServices: [] })
    expect(availability(entry('generate_media'), access({}))).toEqual({ available: true })
    expect(availability(entry('generate_media'), access({ AI: undefined }))).toEqual({ available: false, reason: 'capability not configured: AI' })
    expect(availability(entry('generate_media'), access({ FILES: undefined }))).toEqual({ available: false, reason: 'capability not configured: FILES' })
    expect(availability(entry('analyze_image'), access({ FILES: undefined }))).toEqual({ available: true })
    expect(availability(entry('transcribe'), access({ AI: undefined }))).toEqual({ available: false, reason: 'capability not configured: AI' })
    expect(availability(entry('analyze_video'), access({}))).toEqual({ available: false, reason: expect.stringMatching(/^not offered: Workers AI has no video model/) })
  })
})
