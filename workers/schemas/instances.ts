import { z } from '@hono/zod-openapi'

export const MAX_INSTANCE_PAGE_SIZE = 100

export const LinkSchema = z.object({ method: z.string(), url: z.string(), rel: z.string() }).openapi('Link')

export const AgentInstanceSchema = z
  .object({
    links: z.array(LinkSchema).nullable(),
    id: z.string(),
    name: z.string(),
    agentVersion: z.number().int(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    timeToFirstToken: z.number().int().nullable(),
    channel: z.string(),
    userIdentifier: z.string().nullable(),
    groupIdentifier: z.string().nullable(),
    ipAddress: z.string().nullable(),
    userAgent: z.string().nullable(),
    usage: z.object({ promptTokens: z.number().int(), completionTokens: z.number().int(), totalTokens: z.number().int() }),
    costs: z.object({ prompt: z.number(), completion: z.number(), services: z.number(), total: z.number(), currency: z.string() }),
  })
  .openapi('AgentInstance')
export type AgentInstance = z.infer<typeof AgentInstanceSchema>

export const AgentInstancePageSchema = z
  .object({
    items: z.array(AgentInstanceSchema).nullable(),
    total: z.number().int(),
    pageSize: z.number().int(),
    page: z.number().int(),
    links: z.array(LinkSchema).nullable(),
  })
  .openapi('AgentInstancePage')

export const InstanceParams = z.object({
  agentCode: z
    .string()
    .min(1)
    .max(64)
    .openapi({ param: { name: 'agentCode', in: 'path' } }),
})

export const InstanceVersionParams = InstanceParams.extend({
  agentVersion: z.coerce
    .number()
    .int()
    .min(1)
    .openapi({ param: { name: 'agentVersion', in: 'path' } }),
})

export const InstanceQuery = z.object({
  userIdentifier: z.string().max(256).optional(),
  groupIdentifier: z.string().max(256).optional(),
  search: z.string().max(200).optional(),
  sort: z
    .string()
    .regex(/^(asc|desc)$/i, 'sort must be "asc" or "desc"')
    .optional(),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  // Larger pages are capped, not refused (seed 004: "default 20").
  pageSize: z.coerce
    .number()
    .int()
    .min(1)
    .default(20)
    .transform((n) => Math.min(n, MAX_INSTANCE_PAGE_SIZE)),
  culture: z.string().max(16).optional(),
  orgId: z.coerce.number().int().positive().optional().openapi({ description: 'Only when the agent code exists in several of your organizations.' }),
})
