import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { OrgEnv } from '../app-env'
import { ApiError } from '../errors'
import { getArtifact } from '../runtime/media'
import { errorResponses, IdSchema, OrgParamsSchema } from '../schemas/common'

const ArtifactParamsSchema = OrgParamsSchema.extend({ artifact_id: IdSchema.openapi({ param: { name: 'artifact_id', in: 'path' } }) })

export const getArtifactRoute = createRoute({
  method: 'get',
  path: '/organizations/{org_id}/artifacts/{artifact_id}',
  tags: ['Artifacts'],
  summary: "A file a run's tool produced (generate_media, browser screenshots): its bytes and content type",
  request: { params: ArtifactParamsSchema },
  responses: { 200: { description: 'The bytes' }, ...errorResponses },
})

export const artifactRoutes = new OpenAPIHono<OrgEnv>().openapi(getArtifactRoute, async (c) => {
  if (!c.env.FILES) throw new ApiError('not_implemented', 'Artifacts need the FILES R2 bucket binding (wrangler.toml [[r2_buckets]])')
  const object = await getArtifact(c.env, c.var.orgId, c.req.valid('param').artifact_id)
  if (!object) throw ApiError.notFound('Artifact')
  return c.body(object.body, 200, { 'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream', 'content-length': String(object.size) })
})
