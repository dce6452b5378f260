import type { Env } from '../env'
import { type RunStub, runStub, threadStub } from '../runs/stubs'
import { SUBAGENT_CHANNEL } from '../runs/subagents'
import { type ChatMessage, freshContext, type JsonObject, type RunSpec, type ToolCall, type Usage } from '../runs/types'
import { createDb } from '../db/client'
import { orgOpenAIConfig } from '../db/model-settings'
import { modelFor } from './models'
import { parseModelId } from './models/model-id'
import { ModelError } from './models/types'
import { LEASE_MS, RunStopped, RunWriter } from './run-writer'
import { accessFor, availability, type CatalogEntry, getEntry, offeredTools, toolSpec } from './tools/catalog'
import { invokeTool, tagResult } from './tools/invoke'
import type { AccessContext, ToolOutcome } from './tools/types'

/** What the queue consumer does with the message afterwards. */
export type LoopOutcome = { kind: 'done' } | { kind: 'retry'; delayMs: number }

const HEARTBEAT_MS = 10_000
/** A sub-agent neither delegates further nor asks the user (its parent waits on it). */
const CHILD_WITHHELD = new Set(['run_subagent', 'request_form'])

/**
 * Runs (or resumes) one run: claim the lease, then model → tools → model … until a final answer,
 * an interrupt, a stop (cancel/timeout), an error or the step limit. Each step's events carry keys
 * derived from the step, so a step re-run after a crash appends nothing twice; completed tool
 * results are stored and never executed again. `run` is the RunObject's stub for a queue consumer,
 * or the object itself when it runs its own run (workers/run-object.ts).
 */
export async function runLoop(env: Env, runId: string, owner: string, run: RunStub = runStub(env, runId)): Promise<LoopOutcome> {
  const claim = await run.claim(owner, LEASE_MS)
  if (!claim.ok) return claim.reason === 'leased' ? { kind: 'retry', delayMs: claim.retry_in_ms } : { kind: 'done' }

  const { spec } = claim
  const abort = new AbortController()
  const writer = new RunWriter(run, owner, abort)
  const heartbeat = setInterval(() => {
    writer.heartbeat().catch(() => undefined)
  }, HEARTBEAT_MS)
  let step = claim.step
  let messages = claim.messages
  try {
    // A thread's messages change only when one of its runs succeeds, and a thread runs one at a time:
    // the first run of a new thread has none to read.
    const history = spec.thread_id && !spec.new_thread ? await threadStub(env, spec.thread_id).messages() : []
    const system: ChatMessage[] = spec.system_prompt ? [{ role: 'system', content: spec.system_prompt }] : []
    const org = parseModelId(spec.model)?.provider === 'openai' ? await orgOpenAIConfig(createDb(env.DB), spec.org_id, env.ENCRYPTION_KEY) : {}
    const { provider, model } = modelFor(env, spec.model, org)
    // A run's first claim, right after its creation, uses the grants read by its creation statement; a
    // resumed or retried run (an answered "connect" form brings a new grant) reads them again.
    const known = claim.attempt === 1 ? freshContext(spec) : undefined
    const access = await accessFor(env, createDb(env.DB), { orgId: spec.org_id, agentId: spec.agent_id, connectors: spec.connectors }, known)
    const offered = new Map(
      offeredTools(access)
        .filter((e) => spec.channel !== SUBAGENT_CHANNEL || !CHILD_WITHHELD.has(e.name))
        .map((e) => [e.name, e]),
    )
    const tools = [...offered.values()].map(toolSpec)

    for (;;) {
      if (step >= spec.max_steps) {
        await writer.finish({ status: 'error', output: null, error: { code: 'max_steps', message: `Stopped after ${spec.max_steps} steps` }, step, messages })
        return { kind: 'done' }
      }
      // A step whose tool calls were left unfinished (a deferred run_subagent, an answered request_form
      // among several calls) goes on with those calls instead of asking the model again.
      const unfinished = unfinishedCalls(messages)
      let assistant: ChatMessage
      let calls: ToolCall[]
      let text = ''
      const toolMessages: ChatMessage[] = []
      if (unfinished) {
        ;({ assistant } = unfinished)
        calls = assistant.tool_calls ?? []
        messages = unfinished.before
        toolMessages.push(...unfinished.answered)
      } else {
        let usage: Usage | undefined
        calls = []
        let i = 0
        for await (const chunk of provider.stream({ model, messages: [...system, ...history, ...messages], tools, signal: abort.signal, attempt: claim.attempt })) {
          if (chunk.type === 'text') {
            text += chunk.text
            await writer.delta(`s${step}:d${i++}`, chunk.text)
          } else if (chunk.type === 'tool_call') calls.push(chunk.call)
          else usage = chunk.usage
        }
        assistant = { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }
        // Held, not sent: they go with the tool call that follows, or with the run's end.
        writer.hold([
          { type: 'message', data: { role: 'assistant', content: text, tool_calls: calls.map((c) => ({ ...c })) }, key: `s${step}:message` },
          ...(usage ? [{ type: 'usage' as const, data: { ...usage, step }, key: `s${step}:usage` }] : []),
        ])
      }

      if (calls.length === 0) {
        await writer.finish({ status: 'success', output: text, step: step + 1, messages: [...messages, assistant] })
        return { kind: 'done' }
      }

      for (const call of calls) {
        if (toolMessages.some((m) => m.tool_call_id === call.id)) continue
        await writer.append([{ type: 'tool_call', data: { id: call.id, name: call.name, arguments: call.arguments }, key: `s${step}:tc:${call.id}` }])
        const stored = claim.tool_results[call.id]
        const entry = offered.get(call.name)
        const outcome: ToolOutcome = stored !== undefined ? { kind: 'result', result: stored } : await runTool(access, spec, call, entry, writer, abort.signal, step)
        if (outcome.kind === 'interrupt') {
          await writer.interrupt({ tool_call_id: call.id, question: outcome.question, fields: outcome.fields }, step, [...messages, assistant, ...toolMessages])
          return { kind: 'done' }
        }
        if (outcome.kind === 'defer') {
          await writer.checkpoint(step, [...messages, assistant, ...toolMessages])
          await writer.defer(outcome.delayMs, outcome.reason)
          return { kind: 'done' }
        }
        if (outcome.kind === 'exit') {
          const done: ChatMessage = { role: 'tool', tool_call_id: call.id, content: 'ok' }
          await writer.finish({ status: 'success', output: outcome.answer, step: step + 1, messages: [...messages, assistant, ...toolMessages, done] })
          return { kind: 'done' }
        }
        await writer.saveToolResult(call.id, outcome.result)
        await writer.append([{ type: 'tool_result', data: { tool_call_id: call.id, name: call.name, result: outcome.result }, key: `s${step}:tr:${call.id}` }])
        toolMessages.push({ role: 'tool', tool_call_id: call.id, content: tagResult(entry, outcome.result) })
      }
      messages = [...messages, assistant, ...toolMessages]
      step += 1
      await writer.checkpoint(step, messages)
    }
  } catch (err) {
    if (err instanceof RunStopped) return { kind: 'done' }
    if (err instanceof ModelError) {
      if (err.retryable) {
        await writer.defer(err.retryAfterMs ?? 5000, err.code).catch(ignoreStopped)
        return { kind: 'done' }
      }
      await writer.finish({ status: 'error', output: null, error: { code: err.code, message: err.message }, step, messages }).catch(ignoreStopped)
      return { kind: 'done' }
    }
    throw err
  } finally {
    clearInterval(heartbeat)
  }
}

/** The last assistant message when some of its tool calls have no tool message yet. */
function unfinishedCalls(messages: ChatMessage[]): { before: ChatMessage[]; assistant: ChatMessage; answered: ChatMessage[] } | undefined {
  const at = messages.findLastIndex((m) => m.role === 'assistant')
  const assistant = messages[at]
  if (!assistant?.tool_calls?.length) return undefined
  const answered = messages.slice(at + 1).filter((m) => m.role === 'tool')
  if (answered.length >= assistant.tool_calls.length) return undefined
  return { before: messages.slice(0, at), assistant, answered }
}

const ignoreStopped = (err: unknown) => {
  if (!(err instanceof RunStopped)) throw err
}

/** Runs an offered tool by its descriptor (see invokeTool); a tool not offered gets an error result naming why. */
async function runTool(access: AccessContext, spec: RunSpec, call: ToolCall, entry: CatalogEntry | undefined, writer: RunWriter, signal: AbortSignal, step: number): Promise<ToolOutcome> {
  if (!entry) {
    const known = getEntry(call.name)
    const why = known ? availability(known, access) : undefined
    const reason = why && !why.available ? why.reason : 'not offered to this agent'
    return { kind: 'result', result: JSON.stringify({ error: known ? `tool "${call.name}" is not available: ${reason}` : `unknown tool "${call.name}"` }) }
  }
  let artifact = 0
  return invokeTool(entry, call.arguments, {
    env: access.env,
    spec,
    signal,
    callId: call.id,
    emit: (type, data: JsonObject) => writer.append([{ type, data, key: `s${step}:art:${call.id}:${artifact++}` }]),
  })
}
