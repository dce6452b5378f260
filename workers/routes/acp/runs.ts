import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { OrgEnv } from '../../app-env'
import * as acpDb from '../../db/acp'
import * as agents from '../../db/agents'
import * as runsDb from '../../db/runs'
import { ApiError } from '../../errors'
import { outboundRefusal } from '../../lib/net-guard'
import * as service from '../../runs/service'
import { qualifyModelId } from '../../runtime/models/model-id'
import {
  inputText,
  ResumePayloadSchema,
  RunCreateStatefulSchema,
  RunCreateStatelessSchema,
  type RunCreateStateful,
  type RunCreateStateless,
  RunParams,
  RunSearchSchema,
  ThreadParams,
  ThreadRunParams,
} from '../../schemas/acp'
import { AcpRunSchema, AcpRunWaitSchema, acpOk } from '../../schemas/acp-responses'
import { jsonBody } from '../../schemas/common'
import { clientInfo } from '../client-info'
import { toAcpRun, toWaitResponse } from './present'
import { ourStatuses } from './result'
import { acpFrames, messageOf, resumePointOf, type StreamMode } from './stream'

const tags = ['ACP Runs']
const sse = { 200: { description: 'RunOutputStream', content: { 'text/event-stream': { schema: z.string() } } } }
const noContent = { 204: { description: 'Done' } }
/** ACP wait has no timeout parameter: block up to the engine's maximum, then answer without output. */
const WAIT_MS = 300_000

// Stateful (thread) runs
export const createThreadRun = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/runs',
  tags,
  summary: 'Create a Run on a Thread',
  request: { params: ThreadParams, body: jsonBody(RunCreateStatefulSchema) },
  responses: acpOk(AcpRunSchema, 'RunStateful'),
})
export const streamNewThreadRun = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/runs/stream',
  tags,
  summary: 'Create a Run on a Thread and stream its output',
  request: { params: ThreadParams, body: jsonBody(RunCreateStatefulSchema) },
  responses: sse,
})
export const waitNewThreadRun = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/runs/wait',
  tags,
  summary: 'Create a Run on a Thread and wait for its output',
  request: { params: ThreadParams, body: jsonBody(RunCreateStatefulSchema) },
  responses: acpOk(AcpRunWaitSchema, 'RunWaitResponseStateful'),
})
export const listThreadRuns = createRoute({
  method: 'get',
  path: '/threads/{thread_id}/runs',
  tags,
  summary: 'List the Runs of a Thread',
  request: { params: ThreadParams },
  responses: acpOk(z.array(AcpRunSchema), 'RunStateful[]'),
})
export const getThreadRun = createRoute({
  method: 'get',
  path: '/threads/{thread_id}/runs/{run_id}',
  tags,
  summary: 'Get a Thread Run',
  request: { params: ThreadRunParams },
  responses: acpOk(AcpRunSchema, 'RunStateful'),
})
export const resumeThreadRun = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/runs/{run_id}',
  tags,
  summary: 'Resume an interrupted Thread Run',
  request: { params: ThreadRunParams, body: jsonBody(ResumePayloadSchema) },
  responses: acpOk(AcpRunSchema, 'RunStateful'),
})
export const deleteThreadRun = createRoute({
  method: 'delete',
  path: '/threads/{thread_id}/runs/{run_id}',
  tags,
  summary: 'Delete a Thread Run (cancel and forget it)',
  request: { params: ThreadRunParams },
  responses: noContent,
})
export const waitThreadRun = createRoute({
  method: 'get',
  path: '/threads/{thread_id}/runs/{run_id}/wait',
  tags,
  summary: 'Wait for a Thread Run',
  request: { params: ThreadRunParams },
  responses: acpOk(AcpRunWaitSchema, 'RunWaitResponseStateful'),
})
export const streamThreadRun = createRoute({
  method: 'get',
  path: '/threads/{thread_id}/runs/{run_id}/stream',
  tags,
  summary: 'Stream a Thread Run (Last-Event-ID resumable)',
  request: { params: ThreadRunParams },
  responses: sse,
})
export const cancelThreadRun = createRoute({
  method: 'post',
  path: '/threads/{thread_id}/runs/{run_id}/cancel',
  tags,
  summary: 'Cancel a Thread Run',
  request: { params: ThreadRunParams },
  responses: noContent,
})
// Stateless runs
export const createRun = createRoute({
  method: 'post',
  path: '/runs',
  tags,
  summary: 'Create a stateless Run',
  request: { body: jsonBody(RunCreateStatelessSchema) },
  responses: acpOk(AcpRunSchema, 'RunStateless'),
})
export const searchRuns = createRoute({
  method: 'post',
  path: '/runs/search',
  tags,
  summary: 'Search stateless Runs',
  request: { body: jsonBody(RunSearchSchema) },
  responses: acpOk(z.array(AcpRunSchema), 'RunStateless[]'),
})
export const streamNewRun = createRoute({
  method: 'post',
  path: '/runs/stream',
  tags,
  summary: 'Create a stateless Run and stream its output',
  request: { body: jsonBody(RunCreateStatelessSchema) },
  responses: sse,
})
export const waitNewRun = createRoute({
  method: 'post',
  path: '/runs/wait',
  tags,
  summary: 'Create a stateless Run and wait for its output',
  request: { body: jsonBody(RunCreateStatelessSchema) },
  responses: acpOk(AcpRunWaitSchema, 'RunWaitResponseStateless'),
})
export const waitRun = createRoute({
  method: 'get',
  path: '/runs/{run_id}/wait',
  tags,
  summary: 'Wait for a stateless Run',
  request: { params: RunParams },
  responses: acpOk(AcpRunWaitSchema, 'RunWaitResponseStateless'),
})
export const getRun = createRoute({ method: 'get', path: '/runs/{run_id}', tags, summary: 'Get a stateless Run', request: { params: RunParams }, responses: acpOk(AcpRunSchema, 'RunStateless') })
export const resumeRun = createRoute({
  method: 'post',
  path: '/runs/{run_id}',
  tags,
  summary: 'Resume an interrupted stateless Run',
  request: { params: RunParams, body: jsonBody(ResumePayloadSchema) },
  responses: acpOk(AcpRunSchema, 'RunStateless'),
})
export const deleteRun = createRoute({ method: 'delete', path: '/runs/{run_id}', tags, summary: 'Delete a stateless Run', request: { params: RunParams }, responses: noContent })
export const streamRun = createRoute({ method: 'get', path: '/runs/{run_id}/stream', tags, summary: 'Stream a stateless Run', request: { params: RunParams }, responses: sse })
export const cancelRun = createRoute({ method: 'post', path: '/runs/{run_id}/cancel', tags, summary: 'Cancel a stateless Run', request: { params: RunParams }, responses: noContent })

/** Starts an ACP run on the engine: a thread run (existing or created) or a stateless one (its own thread). */
async function start(c: Context<OrgEnv>, body: RunCreateStateful | RunCreateStateless, threadId: string | null): Promise<runsDb.RunRow> {
  const db = c.var.db
  const input = inputText(body.input)
  if (!input.trim()) throw ApiError.invalid(['body', 'input'], 'input must carry the message to run (a string, or {input} or {messages})')
  const config = body.config ?? {}
  const requested = config.configurable?.model ?? config.model
  const model = requested === undefined ? undefined : qualifyModelId(requested, c.env.DEFAULT_MODEL)
  if (requested !== undefined && !model) {
    const loc = config.configurable?.model !== undefined ? ['body', 'config', 'configurable', 'model'] : ['body', 'config', 'model']
    throw ApiError.invalid(loc, 'model must be provider/model or a model name')
  }
  const refused = body.webhook ? outboundRefusal(c.env, body.webhook) : undefined
  if (refused) throw ApiError.invalid(['body', 'webhook'], `webhook is not allowed: ${refused}`, 'url_refused')
  let newThread = false
  if (threadId !== null) {
    const existing = await acpDb.findThread(db, threadId)
    if (existing && existing.orgId !== c.var.orgId) throw ApiError.notFound('Thread')
    if (!existing) {
      if (!('if_not_exists' in body) || body.if_not_exists !== 'create') throw ApiError.notFound('Thread')
      newThread = true
    }
  }
  const agent = await agents.agentForRun(db, c.var.orgId, body.agent_id)
  const stateless = threadId === null
  // A stateless run that deletes its thread on completion (the default) needs no thread at all: nobody
  // can see it or run on it, so the run is created without one (no thread row, no ThreadObject).
  // `on_completion: keep` creates the thread the spec promises, for later runs.
  const keepsThread = stateless && 'on_completion' in body && body.on_completion === 'keep'
  const created = await service.createRun(db, c.env, {
    orgId: c.var.orgId,
    agent,
    input,
    model: model ?? null,
    channel: 'acp',
    createdBy: c.var.principal.userId,
    threadId: threadId ?? (keepsThread ? crypto.randomUUID() : null),
    newThread: keepsThread || newThread,
    stateless,
    strategy: body.multitask_strategy,
    timeoutSeconds: config.configurable?.timeout_seconds ?? config.timeout_seconds,
    maxSteps: config.recursion_limit,
    instructions: config.configurable?.instructions,
    afterSeconds: body.after_seconds ?? undefined,
    metadata: body.metadata ?? null,
    creation: { ...body },
    webhook: body.webhook ?? null,
    ...clientInfo(c),
  })
  return created.row
}

/** A run of this org, of this thread when one is named (stateless: of no user-visible thread). */
async function find(c: Context<OrgEnv>, runId: string, threadId?: string): Promise<runsDb.RunRow> {
  return ensureAcp(await runsDb.getRun(c.var.db, c.var.orgId, runId), threadId)
}

/** As find, for a stream's connect: only the run's fixed fields, which the isolate keeps in memory. */
async function findRef(c: Context<OrgEnv>, runId: string, threadId?: string): Promise<runsDb.RunRef> {
  return ensureAcp(await runsDb.getRunRef(c.var.db, c.var.orgId, runId), threadId)
}

function ensureAcp<R extends runsDb.RunRef>(row: R, threadId: string | undefined): R {
  if (row.channel !== 'acp') throw ApiError.notFound('Run')
  if (threadId === undefined ? !row.stateless : row.stateless || row.threadId !== threadId) throw ApiError.notFound('Run')
  return row
}

const modesOf = (row: runsDb.RunRef): StreamMode[] => {
  const m = row.creation?.stream_mode
  const modes = (Array.isArray(m) ? m : [m]).filter((x): x is StreamMode => x === 'values' || x === 'custom')
  return modes.length ? modes : ['values']
}

/**
 * A run's ACP stream, from the start or from a Last-Event-ID: the event it names is replayed (its
 * frames already sent are skipped) and `values` frames start from the messages of the events before.
 */
async function streamOf(c: Context<OrgEnv>, row: runsDb.RunRef, lastEventId: string | undefined, cancelOnDisconnect: boolean) {
  const onCancel = cancelOnDisconnect ? () => service.cancelRun(c.env, row.id, 'The client disconnected (on_disconnect=cancel)') : undefined
  const from = resumePointOf(lastEventId)
  const modes = modesOf(row)
  // From the start, the frames depend on the run's events and the modes only: readers share them.
  if (!from) return service.streamRun(c.env, row.id, 0, { transform: acpFrames(row.id, modes), shared: { key: `acp:${modes.join(',')}`, perEvent: false }, onCancel })
  const logged = modes.includes('values') ? (await service.runLogs(c.env, row.id, 0, 1000, false)).items : []
  const messages = logged.flatMap((e) => (e.seq < from.seq ? (messageOf(e.type, e.data) ?? []) : []))
  return service.streamRun(c.env, row.id, from.seq - 1, { transform: acpFrames(row.id, modes, { from, messages }), onCancel })
}

const lastEventId = (c: Context<OrgEnv>) => c.req.header('last-event-id') ?? c.req.query('last_event_id')

const answerOf = (payload: unknown) => (typeof payload === 'string' ? payload : JSON.stringify(payload))

async function resume(c: Context<OrgEnv>, row: runsDb.RunRow, payload: unknown) {
  await service.resumeRun(c.env, row.id, answerOf(payload))
  return toAcpRun(await runsDb.getRun(c.var.db, c.var.orgId, row.id))
}

const waited = async (c: Context<OrgEnv>, row: runsDb.RunRow) => {
  const snap = await service.waitRun(c.env, row.id, WAIT_MS)
  return toWaitResponse(await runsDb.getRun(c.var.db, c.var.orgId, row.id), snap)
}

export const acpRunRoutes = new OpenAPIHono<OrgEnv>()
  .openapi(createThreadRun, async (c) => c.json(toAcpRun(await start(c, c.req.valid('json'), c.req.valid('param').thread_id)), 200))
  .openapi(streamNewThreadRun, async (c) => {
    const body = c.req.valid('json')
    const row = await start(c, body, c.req.valid('param').thread_id)
    return await streamOf(c, row, undefined, body.on_disconnect === 'cancel')
  })
  .openapi(waitNewThreadRun, async (c) => c.json(await waited(c, await start(c, c.req.valid('json'), c.req.valid('param').thread_id)), 200))
  .openapi(listThreadRuns, async (c) => {
    const thread = await acpDb.getThread(c.var.db, c.var.orgId, c.req.valid('param').thread_id)
    return c.json((await runsDb.listThreadRuns(c.var.db, thread.id, 1000)).filter((r) => r.channel === 'acp').map(toAcpRun), 200)
  })
  .openapi(getThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    return c.json(toAcpRun(await find(c, run_id, thread_id)), 200)
  })
  .openapi(resumeThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    return c.json(await resume(c, await find(c, run_id, thread_id), c.req.valid('json')), 200)
  })
  .openapi(deleteThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    await service.deleteRun(c.env, (await find(c, run_id, thread_id)).id)
    return c.body(null, 204)
  })
  .openapi(waitThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    return c.json(await waited(c, await find(c, run_id, thread_id)), 200)
  })
  .openapi(streamThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    return await streamOf(c, await findRef(c, run_id, thread_id), lastEventId(c), false)
  })
  .openapi(cancelThreadRun, async (c) => {
    const { thread_id, run_id } = c.req.valid('param')
    await service.cancelRun(c.env, (await find(c, run_id, thread_id)).id, 'Cancelled by the client')
    return c.body(null, 204)
  })
  .openapi(createRun, async (c) => c.json(toAcpRun(await start(c, c.req.valid('json'), null)), 200))
  .openapi(searchRuns, async (c) => {
    const q = c.req.valid('json')
    return c.json((await acpDb.searchStatelessRuns(c.var.db, c.var.orgId, { ...q, statuses: q.status ? ourStatuses(q.status) : undefined })).map(toAcpRun), 200)
  })
  .openapi(streamNewRun, async (c) => {
    const body = c.req.valid('json')
    return await streamOf(c, await start(c, body, null), undefined, body.on_disconnect === 'cancel')
  })
  .openapi(waitNewRun, async (c) => c.json(await waited(c, await start(c, c.req.valid('json'), null)), 200))
  .openapi(waitRun, async (c) => c.json(await waited(c, await find(c, c.req.valid('param').run_id)), 200))
  .openapi(getRun, async (c) => c.json(toAcpRun(await find(c, c.req.valid('param').run_id)), 200))
  .openapi(resumeRun, async (c) => c.json(await resume(c, await find(c, c.req.valid('param').run_id), c.req.valid('json')), 200))
  .openapi(deleteRun, async (c) => {
    await service.deleteRun(c.env, (await find(c, c.req.valid('param').run_id)).id)
    return c.body(null, 204)
  })
  .openapi(streamRun, async (c) => await streamOf(c, await findRef(c, c.req.valid('param').run_id), lastEventId(c), false))
  .openapi(cancelRun, async (c) => {
    await service.cancelRun(c.env, (await find(c, c.req.valid('param').run_id)).id, 'Cancelled by the client')
    return c.body(null, 204)
  })
