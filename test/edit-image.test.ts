import { PhotonImage } from '@cf-wasm/photon'
import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { call, createTenant, type Tenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

// edit_image runs in the Worker (photon, WebAssembly) on images in the real local R2 bucket.
const PNG_8x8 = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAAEUlEQVR4nGM4ISeHFTEMLQkAkL9BAbKfPiIAAAAASUVORK5CYII='

async function tool(t: Tenant, args: Record<string, unknown>) {
  const s = await startTurn(t, { message: `/tool edit_image ${JSON.stringify(args)}` })
  const done = await waitTurn(t, s)
  if (done.status !== 'success') throw new Error(`run ended ${done.status}`)
  const events = await allEvents(s.turn_id)
  return { artifacts: events.filter((e) => e.type === 'artifact').map((e) => e.data), result: JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result)) }
}

async function size(orgId: number, artifactId: string): Promise<[number, number, number[]]> {
  const object = await env.FILES?.get(`orgs/${orgId}/artifacts/${artifactId}`)
  const img = PhotonImage.new_from_byteslice(new Uint8Array((await object?.arrayBuffer()) ?? new ArrayBuffer(0)))
  const out: [number, number, number[]] = [img.get_width(), img.get_height(), [...img.get_raw_pixels().subarray(0, 4)]]
  img.free()
  return out
}

describe('edit_image', () => {
  it('marketplace_resize, crop and border make new PNG artifacts of the right size, one per source, in order', async ({ expect }) => {
    const t = await createTenant('edit')
    const doc = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body: { name: 'photo.png', content_base64: PNG_8x8, content_type: 'image/png' } })
    const source = `document:${doc.body.id}`
    const text = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body: { name: 'a.txt', text: 'no image' } })

    const fit = await tool(t, { operation: 'marketplace_resize', sources: [source, `document:${text.body.id}`], params: { preset: 'wildberries_card' } })
    expect(fit.result.results[1]).toEqual({ source: `document:${text.body.id}`, error: 'text/plain is not a PNG, JPEG, WebP or GIF image' })
    const fitted = await size(t.orgId, fit.result.results[0].artifact_id)
    // 8×8 fitted into 904×1200: a 904×904 square centred on white, so the top-left pixel is white.
    expect(fitted).toEqual([904, 1200, [255, 255, 255, 255]])
    expect(fit.artifacts).toEqual([expect.objectContaining({ type: 'media', operation: 'marketplace_resize', source, name: 'photo-marketplace_resize.png', content_type: 'image/png' })])

    const cropped = await tool(t, { operation: 'crop', sources: [source], params: { x: 2, y: 2, width: 4, height: 3 } })
    expect((await size(t.orgId, cropped.result.results[0].artifact_id)).slice(0, 2)).toEqual([4, 3])
    const bordered = await tool(t, { operation: 'border', sources: [source], params: { width: 5, color: '#00ff00' } })
    expect(await size(t.orgId, bordered.result.results[0].artifact_id)).toEqual([18, 18, [0, 255, 0, 255]])
  })

  it('bad parameters name the field; segmentation operations say why they are not available', async ({ expect }) => {
    const t = await createTenant('edit-bad')
    const doc = await call('POST', `/v1/organizations/${t.orgId}/documents`, { key: t.key, body: { name: 'p.png', content_base64: PNG_8x8, content_type: 'image/png' } })
    const source = `document:${doc.body.id}`
    expect((await tool(t, { operation: 'crop', sources: [source], params: { x: 4, y: 0, width: 8, height: 2 } })).result.results[0]).toEqual({
      source,
      error: 'params: the crop 4,0 8×2 leaves the 8×8 image',
    })
    expect((await tool(t, { operation: 'resize', sources: [source], params: { width: 10 } })).result.results[0]).toEqual({ source, error: 'params.height: required for resize' })
    expect((await tool(t, { operation: 'border', sources: [source], params: { width: 2, color: 'green' } })).result).toMatchObject({
      error: 'invalid arguments',
      issues: [{ path: ['params', 'color'] }],
    })
    expect((await tool(t, { operation: 'blur', sources: Array.from({ length: 21 }, () => source) })).result).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['sources'] }] })
    expect((await tool(t, { operation: 'remove_background', sources: [source] })).result).toEqual({
      error: expect.stringMatching(/^remove_background is not available: it needs a segmentation model/),
    })
  })
})
