import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { OrgEnv } from '../../app-env'
import * as acpDb from '../../db/acp'
import type { ThreadRow } from '../../db/runs'
import { ApiError } from '../../errors'
import * as threads from '../../runs/threads'
import type { ChatMessage } from '../../runs/types'
import { HistoryQuerySchema, ThreadCreateSchema, ThreadParams, ThreadPatchSchema, ThreadSearchSchema } from '../../schemas/acp'
import { AcpThreadHitSchema, AcpThreadSchema, AcpThreadStateSchema, acpOk } from '../../schemas/acp-responses'
import { jsonBody } from '../../schemas/common'
import { toThread, toThreadState } from './present'

const tags = ['ACP Threads']
const deleted = { 204: { description: 'Deleted' } }

export const createThreadRoute = createRoute({
  method: 'post',
  path: '/threads',
  tags,
  summary: 'Create an empty Thread',
  request: { body: jsonBody(ThreadCreateSchema) },
  responses: acpOk(AcpThreadSchema, 'Thread'),
})
export const searchThreadsRoute = createRoute({
  method: 'post',
  path: '/threads/search',
  tags,
  summary: 'Search Threads',
  request: { body: jsonBody(ThreadSearchSchema) },
  responses: acpOk(z.array(AcpThreadHitSchema), 'Threads'),
})
export const historyRoute = createRoute({
  method: 'get',
  path: '/threads/{thread_id}/history',
  tags,
  summary: 'Get Thread history (checkpoints, newest first)',
  request: { params: ThreadParams, query: HistoryQuerySchema },
  responses: acpOk(z.array(AcpThreadStateSchema), 'ThreadState[]'),
})
export const copyThreadRoute = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/copy',
  tags,
  summary: 'Copy Thread',
  request: { params: ThreadParams },
  responses: acpOk(AcpThreadSchema, 'Thread'),
})
export const getThreadRoute = createRoute({ method: 'get', path: '/threads/{thread_id}', tags, summary: 'Get Thread', request: { params: ThreadParams }, responses: acpOk(AcpThreadSchema, 'Thread') })
export const deleteThreadRoute = createRoute({
  method: 'delete',
  path: '/threads/{thread_id}',
  tags,
  summary: 'Delete Thread (409 while a run of it is pending)',
  request: { params: ThreadParams },
  responses: deleted,
})
export const patchThreadRoute = createRoute({
  method: 'patch',
  path: '/threads/{thread_id}',
  tags,
  summary: 'Patch Thread metadata or state',
  request: { params: ThreadParams, body: jsonBody(ThreadPatchSchema) },
  responses: acpOk(AcpThreadSchema, 'Thread'),
})

const present = async (c: Context<OrgEnv>, row: ThreadRow) => toThread(row, await threads.threadState(c.env, row.id))

const toChat = (messages: { role: string; content: unknown }[]): ChatMessage[] =>
  messages.map((m) => ({
    role: (['system', 'user', 'assistant', 'tool'].includes(m.role) ? m.role : 'user') as ChatMessage['role'],
    content: typeof m.content === 'string' ? m.content : JSON.stringify(m.content),
  }))

export const acpThreadRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createThreadRoute, async (c) => {
    const body = c.req.valid('json')
    const id = body.thread_id ?? crypto.randomUUID()
    const found = await acpDb.findThread(c.var.db, id)
    const row = found ? undefined : await acpDb.insertThread(c.var.db, { id, orgId: c.var.orgId, createdBy: c.var.principal.userId, metadata: body.metadata ?? {} })
    if (row) return c.json(toThread(row, await threads.createThread(c.env, id)), 200)
    // It exists (or a concurrent create just won). Another org's id is as taken as ours, but says nothing about that org's thread.
    const existing = found ?? (await acpDb.findThread(c.var.db, id))
    if (existing?.orgId !== c.var.orgId || body.if_exists === 'raise') throw new ApiError('conflict', `Thread ${id} already exists`)
    return c.json(await present(c, await acpDb.getThread(c.var.db, c.var.orgId, id)), 200)
  })
  .openapi(searchThreadsRoute, async (c) => {
    const rows = await acpDb.searchThreads(c.var.db, c.var.orgId, c.req.valid('json'))
    return c.json(
      rows.map((r) => ({ thread_id: r.id, created_at: r.createdAt, updated_at: r.updatedAt, metadata: r.metadata ?? {}, status: r.status, values: r.values ?? {} })),
      200,
    )
  })
  .openapi(historyRoute, async (c) => {
    const row = await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)
    const { limit, before } = c.req.valid('query')
    return c.json((await threads.threadHistory(c.env, row.id, limit, before)).map(toThreadState), 200)
  })
  .openapi(copyThreadRoute, async (c) => {
    const source = await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)
    const id = crypto.randomUUID()
    const row = await acpDb.insertThread(c.var.db, { id, orgId: c.var.orgId, agentId: source.agentId, createdBy: c.var.principal.userId, metadata: source.metadata ?? {} })
    if (!row) throw new Error(`fresh thread id ${id} taken`)
    return c.json(toThread(row, await threads.copyThread(c.env, source.id, id)), 200)
  })
  .openapi(getThreadRoute, async (c) => c.json(await present(c, await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)), 200))
  .openapi(deleteThreadRoute, async (c) => {
    const row = await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)
    await threads.destroyIdleThread(c.env, row.id)
    return c.body(null, 204)
  })
  .openapi(patchThreadRoute, async (c) => {
    let row = await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)
    const body = c.req.valid('json')
    const messages = body.messages ?? body.values?.messages
    if (messages) {
      if (!(await threads.patchThreadMessages(c.env, row.id, toChat(messages)))) throw new ApiError('conflict', 'The thread has an active run; patch its state when it is idle')
    }
    if (body.metadata) row = await acpDb.setThreadMetadata(c.var.db, row.id, { ...(row.metadata ?? {}), ...body.metadata })
    return c.json(await present(c, row), 200)
  })
