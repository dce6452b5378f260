import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { AppEnv } from '../app-env'
import * as tenancy from '../db/tenancy'
import { ApiError } from '../errors'
import { AddMemberSchema, AdminOrgSchema, AdminUserSchema, CreateKeySchema, CreateOrgSchema, CreateUserSchema, KeyParams, NewKeySchema, PatchOrgSchema, toAdminOrg, UserParams } from '../schemas/admin'
import { ErrorSchema, jsonBody, jsonContent, OrgParamsSchema } from '../schemas/common'

const tags = ['Admin']
const errors = { 401: jsonContent(ErrorSchema, 'Missing or wrong ADMIN_TOKEN') }

const createOrgRoute = createRoute({
  method: 'post',
  path: '/organizations',
  tags,
  summary: 'Create an organization (with its system agent)',
  request: { body: jsonBody(CreateOrgSchema) },
  responses: { 201: jsonContent(AdminOrgSchema, 'The organization'), ...errors },
})
const patchOrgRoute = createRoute({
  method: 'patch',
  path: '/organizations/{org_id}',
  tags,
  summary: "Set the org's rate limit, monthly budget (null: none) and retention",
  request: { params: OrgParamsSchema, body: jsonBody(PatchOrgSchema) },
  responses: { 200: jsonContent(AdminOrgSchema, 'The organization'), 404: jsonContent(ErrorSchema, 'No such org'), ...errors },
})
const createUserRoute = createRoute({
  method: 'post',
  path: '/users',
  tags,
  summary: 'Create a user',
  request: { body: jsonBody(CreateUserSchema) },
  responses: { 201: jsonContent(AdminUserSchema, 'The user'), 409: jsonContent(ErrorSchema, 'Email taken'), ...errors },
})
const addMemberRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/members',
  tags,
  summary: 'Add a user to an organization (or change their role)',
  request: { params: OrgParamsSchema, body: jsonBody(AddMemberSchema) },
  responses: { 204: { description: 'Added' }, 404: jsonContent(ErrorSchema, 'No such org or user'), ...errors },
})
const createKeyRoute = createRoute({
  method: 'post',
  path: '/users/{user_id}/api-keys',
  tags,
  summary: 'Create an API key for a user (shown once)',
  request: { params: UserParams, body: jsonBody(CreateKeySchema) },
  responses: { 201: jsonContent(NewKeySchema, 'The key'), 404: jsonContent(ErrorSchema, 'No such user'), ...errors },
})
const revokeKeyRoute = createRoute({
  method: 'delete',
  path: '/api-keys/{key_id}',
  tags,
  summary: 'Revoke an API key',
  request: { params: KeyParams },
  responses: { 204: { description: 'Revoked' }, 404: jsonContent(ErrorSchema, 'No such key'), ...errors },
})

export const adminRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createOrgRoute, async (c) => {
    const org = await tenancy.createOrganization(c.var.db, c.req.valid('json').name, c.env.DEFAULT_MODEL ?? 'dev/echo')
    return c.json(toAdminOrg(org), 201)
  })
  .openapi(patchOrgRoute, async (c) => {
    const body = c.req.valid('json')
    const org = await tenancy.setOrganizationLimits(c.var.db, c.req.valid('param').org_id, {
      ...(body.rate_limit_per_minute !== undefined ? { rateLimitPerMinute: body.rate_limit_per_minute } : {}),
      ...(body.monthly_budget_usd !== undefined ? { monthlyBudgetUsd: body.monthly_budget_usd } : {}),
      ...(body.retention_days !== undefined ? { retentionDays: body.retention_days } : {}),
    })
    return c.json(toAdminOrg(org), 200)
  })
  .openapi(createUserRoute, async (c) => {
    const { email, name } = c.req.valid('json')
    const user = await tenancy.createUser(c.var.db, email, name ?? null)
    return c.json({ id: user.id, email: user.email, name: user.name, created_at: user.createdAt }, 201)
  })
  .openapi(addMemberRoute, async (c) => {
    const { org_id } = c.req.valid('param')
    const { user_id, role } = c.req.valid('json')
    const [org, user] = await Promise.all([tenancy.getOrganization(c.var.db, org_id), tenancy.getUser(c.var.db, user_id)])
    if (!org) throw ApiError.notFound('Organization')
    if (!user) throw ApiError.notFound('User')
    await tenancy.addMember(c.var.db, org_id, user_id, role)
    return c.body(null, 204)
  })
  .openapi(createKeyRoute, async (c) => {
    const { user_id } = c.req.valid('param')
    if (!(await tenancy.getUser(c.var.db, user_id))) throw ApiError.notFound('User')
    const body = c.req.valid('json')
    return c.json(await tenancy.createApiKey(c.var.db, user_id, body.name, body.rate_limit_per_minute ?? null), 201)
  })
  .openapi(revokeKeyRoute, async (c) => {
    await tenancy.revokeApiKey(c.var.db, c.req.valid('param').key_id)
    return c.body(null, 204)
  })
