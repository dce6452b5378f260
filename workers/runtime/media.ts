import { createDb } from '../db/client'
import { documentsByIds } from '../db/documents'
import type { Env } from '../env'
import { outboundRefusal } from '../lib/net-guard'
import type { JsonObject, RunSpec } from '../runs/types'
import type { AiBinding } from '../env'
import { ToolError } from './tools/types'

/**
 * Media tools' plumbing: artifacts (bytes in R2 FILES under the org, an id the model and the UI use),
 * sources (`artifact:<id>`, `document:<id>` or a public http(s) URL) and the Workers AI call.
 */

/** Workers AI models the media tools call (developers.cloudflare.com/workers-ai/models). */
export const MODELS = {
  textToImage: '@cf/stabilityai/stable-diffusion-xl-base-1.0',
  imageToImage: '@cf/runwayml/stable-diffusion-v1-5-img2img',
  speech: '@cf/myshell-ai/melotts',
  vision: '@cf/meta/llama-3.2-11b-vision-instruct',
  whisper: '@cf/openai/whisper-large-v3-turbo',
} as const

/** A fetched source or a generated file larger than this is refused (Workers AI inputs are far smaller). */
export const MAX_SOURCE_BYTES = 25 * 1024 * 1024

export interface Media {
  bytes: Uint8Array
  contentType: string
  name: string
}

export interface Artifact {
  artifact_id: string
  name: string
  content_type: string
  size: number
  url: string
}

export function aiOf(env: Env): AiBinding {
  if (!env.AI) throw new ToolError('capability not configured: AI')
  return env.AI
}

export function filesOf(env: Env): R2Bucket {
  if (!env.FILES) throw new ToolError('capability not configured: FILES')
  return env.FILES
}

const artifactKey = (orgId: number, id: string) => `orgs/${orgId}/artifacts/${id}`
/** Where an artifact is downloaded: GET /v1/organizations/{org_id}/artifacts/{artifact_id}. */
export const artifactPath = (orgId: number, id: string) => `/v1/organizations/${orgId}/artifacts/${id}`

/** Stores bytes as an artifact of the run and returns its id and download path. */
export async function putArtifact(env: Env, spec: RunSpec, media: Media): Promise<Artifact> {
  const id = crypto.randomUUID()
  await filesOf(env).put(artifactKey(spec.org_id, id), media.bytes, {
    httpMetadata: { contentType: media.contentType },
    customMetadata: { name: media.name, run_id: spec.run_id },
  })
  return { artifact_id: id, name: media.name, content_type: media.contentType, size: media.bytes.byteLength, url: artifactPath(spec.org_id, id) }
}

/** An artifact's bytes for the download route; undefined when it is not this org's. */
export async function getArtifact(env: Env, orgId: number, id: string): Promise<R2ObjectBody | undefined> {
  if (!/^[0-9a-f-]{36}$/.test(id)) return undefined
  return (await filesOf(env).get(artifactKey(orgId, id))) ?? undefined
}

/** The emitted `artifact` event for a stored file. */
export const artifactEvent = (type: string, a: Artifact, extra: JsonObject = {}): JsonObject => ({ type, ...extra, ...a })

/** Image/audio/PDF magic numbers: providers and URLs often send a generic content type. */
export function sniff(bytes: Uint8Array, fallback: string): string {
  const head = (n: number) => String.fromCharCode(...bytes.subarray(0, n))
  if (head(8) === '\x89PNG\r\n\x1a\n') return 'image/png'
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return 'image/jpeg'
  if (head(4) === 'RIFF' && String.fromCharCode(...bytes.subarray(8, 12)) === 'WEBP') return 'image/webp'
  if (head(4) === 'RIFF') return 'audio/wav'
  if (head(3) === 'GIF') return 'image/gif'
  if (head(4) === '%PDF') return 'application/pdf'
  if (head(3) === 'ID3' || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return 'audio/mpeg'
  if (head(4) === 'OggS') return 'audio/ogg'
  if (String.fromCharCode(...bytes.subarray(4, 8)) === 'ftyp') return fallback.startsWith('video/') ? fallback : 'audio/mp4'
  return fallback
}

async function readCapped(body: ReadableStream<Uint8Array> | null, what: string): Promise<Uint8Array> {
  if (!body) return new Uint8Array()
  const parts: Uint8Array[] = []
  let size = 0
  for await (const part of body) {
    size += part.byteLength
    if (size > MAX_SOURCE_BYTES) throw new ToolError(`${what} is larger than ${MAX_SOURCE_BYTES / 1024 / 1024} MiB`)
    parts.push(part)
  }
  const out = new Uint8Array(size)
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.byteLength
  }
  return out
}

/** Reads a whole model output (a byte stream, bytes, or base64 in a field) into bytes. */
export async function outputBytes(out: unknown, field: string): Promise<Uint8Array> {
  if (out instanceof ReadableStream) return readCapped(out as ReadableStream<Uint8Array>, 'the model output')
  if (out instanceof Uint8Array) return out
  if (out instanceof ArrayBuffer) return new Uint8Array(out)
  const value = typeof out === 'object' && out !== null ? (out as Record<string, unknown>)[field] : undefined
  if (typeof value === 'string' && value) return base64Bytes(value)
  throw new ToolError('the model answered without the expected output')
}

export const base64Bytes = (b64: string): Uint8Array => Uint8Array.from(atob(b64.replace(/^data:[^,]*,/, '')), (c) => c.charCodeAt(0))

export function bytesBase64(bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000))
  return btoa(s)
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('')
}

const ID = /^(artifact|document):([0-9a-f-]{36})$/

/** Loads a source the model named: `artifact:<id>`, `document:<id>` (this org's only) or a public URL. */
export async function loadSource(env: Env, spec: RunSpec, source: string, signal: AbortSignal): Promise<Media> {
  const ref = ID.exec(source.trim()) ?? (/^[0-9a-f-]{36}$/.test(source.trim()) ? ['', 'artifact', source.trim()] : null)
  if (ref) {
    const [, kind, id = ''] = ref
    let key = artifactKey(spec.org_id, id)
    let name = id
    if (kind === 'document') {
      const [doc] = await documentsByIds(createDb(env.DB), spec.org_id, [id])
      if (!doc) throw new ToolError(`${source}: no such document`)
      key = doc.r2Key
      name = doc.name
    }
    const object = await filesOf(env).get(key)
    if (!object) throw new ToolError(`${source}: no such ${kind}`)
    const bytes = await readCapped(object.body, source)
    return { bytes, contentType: sniff(bytes, object.httpMetadata?.contentType ?? 'application/octet-stream'), name: object.customMetadata?.name ?? name }
  }
  if (!/^https?:\/\//i.test(source)) throw new ToolError(`${source}: not an artifact:<id>, document:<id> or http(s) URL`)
  const refused = outboundRefusal(env, source)
  if (refused) throw new ToolError(`${source}: refused: ${refused}`)
  const res = await fetch(source, { redirect: 'manual', signal })
  if (res.status >= 300 && res.status < 400) throw new ToolError(`${source}: redirects are not followed; give the final URL`)
  if (!res.ok) throw new ToolError(`${source}: HTTP ${res.status}`)
  const bytes = await readCapped(res.body, source)
  const name = decodeURIComponent(new URL(source).pathname.split('/').pop() || 'download')
  return { bytes, contentType: sniff(bytes, res.headers.get('content-type')?.split(';')[0] ?? 'application/octet-stream'), name }
}

/** Runs a Workers AI model; the binding's error message (no secrets in it) becomes a tool error. */
export async function runModel(env: Env, model: string, inputs: Record<string, unknown>): Promise<unknown> {
  try {
    return await aiOf(env).run(model, inputs)
  } catch (err) {
    if (err instanceof ToolError) throw err
    throw new ToolError(`Workers AI (${model}) failed: ${err instanceof Error ? err.message : String(err)}`)
  }
}
