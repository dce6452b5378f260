import { z } from 'zod'
import type { JsonObject } from '../../runs/types'
import { defineTool } from './types'

export const renderVisual = defineTool({
  name: 'render_visual',
  input: z.object({
    kind: z.enum(['chart', 'diagram', 'timeline', 'scheme', 'kpi']),
    title: z.string().min(1).max(200),
    data: z.record(z.string(), z.unknown()),
  }),
  run: async (args, ctx) => {
    await ctx.emit('artifact', { type: 'render_visual', kind: args.kind, title: args.title, data: args.data as JsonObject })
    return { kind: 'result', result: `rendered ${args.kind} "${args.title}"` }
  },
})

export const messageCompose = defineTool({
  name: 'message_compose',
  input: z.object({ variants: z.array(z.string().min(1).max(4000)).min(2).max(4), channel: z.string().max(64).optional() }),
  run: async (args, ctx) => {
    await ctx.emit('artifact', { type: 'message_compose', variants: args.variants, channel: args.channel ?? null })
    return { kind: 'result', result: `draft shown with ${args.variants.length} variants` }
  },
})

const PointSchema = z.object({
  lat: z.number().min(-90).max(90),
  lon: z.number().min(-180).max(180),
  label: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
})

export const renderMap = defineTool({
  name: 'render_map',
  input: z.object({
    title: z.string().min(1).max(200),
    points: z.array(PointSchema).min(1).max(500),
    center: z.object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) }).optional(),
    zoom: z.number().int().min(1).max(19).optional(),
  }),
  run: async (args, ctx) => {
    const points = args.points.map((p) => ({ lat: p.lat, lon: p.lon, label: p.label, description: p.description ?? null }))
    // With no center given, the map opens on the points' mean (OpenStreetMap tiles, zoom 1–19).
    const center = args.center ?? { lat: mean(points.map((p) => p.lat)), lon: mean(points.map((p) => p.lon)) }
    await ctx.emit('artifact', { type: 'render_map', title: args.title, tiles: 'openstreetmap', center, zoom: args.zoom ?? null, points })
    return { kind: 'result', result: `rendered map "${args.title}" with ${points.length} points` }
  },
})

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e6) / 1e6
