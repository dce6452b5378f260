import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import { monthBudget } from '../db/tenancy'
import { errorResponses, jsonContent, OrgParamsSchema } from '../schemas/common'
import { UsageSchema } from '../schemas/organizations'

export const usageRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/usage',
  tags: ['Organizations'],
  summary: "This month's spend against the monthly budget",
  request: { params: OrgParamsSchema },
  responses: { 200: jsonContent(UsageSchema, 'Usage'), ...errorResponses },
})

export const usageRoutes = new OpenAPIHono<OrgEnv>().openapi(usageRoute, async (c) => {
  const { budget, spent, since } = await monthBudget(c.var.db, c.var.orgId, new Date(), true)
  return c.json({ since, spent_usd: spent, budget_usd: budget, remaining_usd: budget === null ? null : Math.max(0, budget - spent), currency: 'USD' as const }, 200)
})
