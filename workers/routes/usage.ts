import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import { monthBudget } from '../db/tenancy'
import { errorResponses, jsonContent, OrgParamsSchema } from '../schemas/common'

const UsageSchema = z
  .object({ since: z.string(), spent_usd: z.number(), budget_usd: z.number().nullable(), remaining_usd: z.number().nullable(), currency: z.literal('USD') })
  .openapi('OrganizationUsage')

export const usageRoute = createRoute({
  method: 'get', path: '/organizations/{org_id}/usage', tags: ['Organizations'], summary: "This month's spend against the monthly budget",
  request: { params: OrgParamsSchema },
  responses: { 200: jsonContent(UsageSchema, 'Usage'), ...errorResponses },
})

export const usageRoutes = new OpenAPIHono<AppEnv>().openapi(usageRoute, async (c) => {
  const { budget, spent, since } = await monthBudget(c.var.db, c.var.orgId, new Date(), true)
  return c.json({ since, spent_usd: spent, budget_usd: budget, remaining_usd: budget === null ? null : Math.max(0, budget - spent), currency: 'USD' as const }, 200)
})
