import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import * as credentials from '../db/credentials'
import { ApiError } from '../errors'
import { resumeConnectWaiters } from '../runs/integration-connect'
import { credentialIssues } from '../runtime/connectors/credential-check'
import { errorResponses, ErrorSchema, jsonBody, jsonContent, OrgParamsSchema, PaginationQuerySchema } from '../schemas/common'
import { CreateCredentialSchema, CredentialListSchema, CredentialParamsSchema, CredentialSchema, toCredential, toNewCredential } from '../schemas/credentials'

const tags = ['Credentials']

export const createCredentialRoute = createRoute({
  method: 'post',
  path: '/organizations/{org_id}/credentials',
  tags,
  summary: 'Store a credential; the secret is encrypted at rest and never returned',
  request: { params: OrgParamsSchema, body: jsonBody(CreateCredentialSchema) },
  responses: { 201: jsonContent(CredentialSchema, 'The credential, without its secret'), 409: jsonContent(ErrorSchema, 'Duplicate instance_id'), ...errorResponses },
})

export const listCredentialsRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/credentials',
  tags,
  summary: "List the organization's credentials",
  request: { params: OrgParamsSchema, query: PaginationQuerySchema },
  responses: { 200: jsonContent(CredentialListSchema, 'A page of credentials'), ...errorResponses },
})

export const getCredentialRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/credentials/{credential_id}',
  tags,
  summary: 'Get a credential (without its secret)',
  request: { params: CredentialParamsSchema },
  responses: { 200: jsonContent(CredentialSchema, 'The credential'), ...errorResponses },
})

export const deleteCredentialRoute = createRoute({
  method: 'delete',
  path: '/organizations/{org_id}/credentials/{credential_id}',
  tags,
  summary: 'Delete a credential and every grant of it',
  request: { params: CredentialParamsSchema },
  responses: { 204: { description: 'Deleted' }, ...errorResponses },
})

export const credentialRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createCredentialRoute, async (c) => {
    const body = c.req.valid('json')
    const issues = credentialIssues(c.env, body)
    if (issues.length) throw new ApiError('invalid', 'Invalid credential', issues)
    const key = c.env.ENCRYPTION_KEY
    if (!key) throw new Error('ENCRYPTION_KEY is not configured')
    const row = await credentials.createCredential(c.var.db, c.var.orgId, c.var.principal.userId, toNewCredential(body), key)
    // Runs paused by request_form(connect) for this service go on now (integration connect).
    await resumeConnectWaiters(c.var.db, c.env, c.var.orgId, row.serviceName, row.id)
    return c.json(toCredential(row), 201)
  })
  .openapi(listCredentialsRoute, async (c) => {
    const { limit, offset } = c.req.valid('query')
    const page = await credentials.listCredentials(c.var.db, c.var.orgId, limit, offset)
    return c.json({ items: page.items.map(toCredential), total: page.total, limit, offset }, 200)
  })
  .openapi(getCredentialRoute, async (c) => {
    const row = await credentials.getCredential(c.var.db, c.var.orgId, c.req.valid('param').credential_id)
    return c.json(toCredential(row), 200)
  })
  .openapi(deleteCredentialRoute, async (c) => {
    await credentials.deleteCredential(c.var.db, c.var.orgId, c.req.valid('param').credential_id)
    return c.body(null, 204)
  })
