import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi'
import type { Context } from 'hono'
import type { AuthedEnv } from '../app-env'
import * as agents from '../db/agents'
import * as runsDb from '../db/runs'
import { ApiError } from '../errors'
import * as service from '../runs/service'
import * as threads from '../runs/threads'
import { errorResponses, ErrorSchema, jsonBody, jsonContent } from '../schemas/common'
import { toTurn, TurnSchema } from '../schemas/runs'
import { ResumeSchema, SessionParams, SessionSchema, StartedSchema, StartTurnSchema, TurnParams, WaitQuery } from '../schemas/sessions'
import { clientInfo } from './client-info'

const tags = ['Sessions']

const conflict = { 409: jsonContent(ErrorSchema, 'The turn is not in a state for this') }

export const startTurnRoute = createRoute({
  method: 'post',
  path: '/sessions/stream',
  tags,
  summary: 'Start a turn (a new session unless session_id); read it over SSE',
  request: { body: jsonBody(StartTurnSchema) },
  responses: { 202: jsonContent(StartedSchema, 'The turn was accepted'), ...errorResponses },
})
export const getSessionRoute = createRoute({
  method: 'get',
  path: '/sessions/{session_id}',
  tags,
  summary: 'A session with its messages and turns',
  request: { params: SessionParams },
  responses: { 200: jsonContent(SessionSchema, 'The session'), ...errorResponses },
})
export const getTurnRoute = createRoute({
  method: 'get',
  path: '/sessions/{session_id}/turns/{turn_id}',
  tags,
  summary: 'A turn: status, output, usage and cost',
  request: { params: TurnParams },
  responses: { 200: jsonContent(TurnSchema, 'The turn'), ...errorResponses },
})
export const waitTurnRoute = createRoute({
  method: 'get',
  path: '/sessions/{session_id}/turns/{turn_id}/wait',
  tags,
  summary: 'Block until the turn ends or asks a question (or `timeout` seconds pass)',
  request: { params: TurnParams, query: WaitQuery },
  responses: { 200: jsonContent(TurnSchema, 'The turn'), ...errorResponses },
})
export const streamTurnRoute = createRoute({
  method: 'get',
  path: '/sessions/{session_id}/turns/{turn_id}/stream',
  tags,
  summary: 'SSE of the turn: replays after Last-Event-ID, then live; heartbeats; closes after `done`',
  request: { params: TurnParams },
  responses: { 200: { description: 'text/event-stream', content: { 'text/event-stream': { schema: z.string() } } }, ...errorResponses },
})
export const resumeTurnRoute = createRoute({
  method: 'post',
  path: '/sessions/{session_id}/turns/{turn_id}/resume',
  tags,
  summary: 'Answer the question the turn is waiting on',
  request: { params: TurnParams, body: jsonBody(ResumeSchema) },
  responses: { 202: jsonContent(TurnSchema, 'Resumed'), ...conflict, ...errorResponses },
})
export const cancelTurnRoute = createRoute({
  method: 'post',
  path: '/sessions/{session_id}/turns/{turn_id}/cancel',
  tags,
  summary: 'Cancel the turn (idempotent)',
  request: { params: TurnParams },
  responses: { 200: jsonContent(TurnSchema, 'Cancelled (or already ended)'), ...errorResponses },
})

/** The turn of a session the caller can see, or 404. */
const turnOf = (c: Context<AuthedEnv>, sessionId: string, turnId: string) => runsDb.getTurnForUser(c.var.db, c.var.principal.userId, sessionId, turnId)

export const sessionRoutes = new OpenAPIHono<AuthedEnv>()
  .openapi(startTurnRoute, async (c) => {
    const body = c.req.valid('json')
    const db = c.var.db
    const userId = c.var.principal.userId
    const thread = body.session_id ? await runsDb.getThreadForUser(db, userId, body.session_id) : undefined
    if (thread && body.agent_id && body.agent_id !== thread.agentId) {
      throw ApiError.invalid(['body', 'agent_id'], 'The session belongs to another agent')
    }
    const agentId = thread?.agentId ?? body.agent_id
    const agent = thread ? await agents.agentForRun(db, thread.orgId, agentId) : await agents.userAgentForRun(db, userId, agentId, body.org_id)
    const sessionId = thread?.id ?? crypto.randomUUID()
    const created = await service.createRun(db, c.env, {
      orgId: agent.orgId,
      agent,
      input: body.message,
      channel: 'session',
      createdBy: userId,
      threadId: sessionId,
      newThread: !thread,
      strategy: 'enqueue',
      timeoutSeconds: body.timeout_seconds,
      ...clientInfo(c),
    })
    return c.json({ session_id: sessionId, turn_id: created.row.id, status: created.admission }, 202)
  })
  .openapi(getSessionRoute, async (c) => {
    const thread = await runsDb.getThreadForUser(c.var.db, c.var.principal.userId, c.req.valid('param').session_id)
    const [state, turns] = await Promise.all([threads.threadState(c.env, thread.id), runsDb.listThreadRuns(c.var.db, thread.id, 100)])
    return c.json(
      {
        session_id: thread.id,
        org_id: thread.orgId,
        agent_id: thread.agentId,
        status: state.status,
        active_turn: state.active_run,
        queued_turns: state.queued_runs,
        messages: state.messages.map((m) => ({ ...m })),
        turns: turns.map((r) => ({ turn_id: r.id, status: r.status, input: r.input, created_at: r.createdAt })),
        created_at: thread.createdAt,
      },
      200,
    )
  })
  .openapi(getTurnRoute, async (c) => {
    const { session_id, turn_id } = c.req.valid('param')
    const run = await turnOf(c, session_id, turn_id)
    return c.json(toTurn(await service.runSnapshot(c.env, run.id)), 200)
  })
  .openapi(waitTurnRoute, async (c) => {
    const { session_id, turn_id } = c.req.valid('param')
    const run = await turnOf(c, session_id, turn_id)
    return c.json(toTurn(await service.waitRun(c.env, run.id, c.req.valid('query').timeout * 1000)), 200)
  })
  .openapi(streamTurnRoute, async (c) => {
    const { session_id, turn_id } = c.req.valid('param')
    const run = await turnOf(c, session_id, turn_id)
    return service.streamRun(c.env, run.id, service.lastEventIdOf(c.req))
  })
  .openapi(resumeTurnRoute, async (c) => {
    const { session_id, turn_id } = c.req.valid('param')
    const run = await turnOf(c, session_id, turn_id)
    return c.json(toTurn(await service.resumeRun(c.env, run.id, c.req.valid('json').answer)), 202)
  })
  .openapi(cancelTurnRoute, async (c) => {
    const { session_id, turn_id } = c.req.valid('param')
    const run = await turnOf(c, session_id, turn_id)
    return c.json(toTurn(await service.cancelRun(c.env, run.id, 'Cancelled by the user')), 200)
  })
