import type { Env } from '../env'
import { runStub, threadStub } from '../runs/stubs'
import type { ChatMessage, JsonObject, RunSpec, ToolCall, Usage } from '../runs/types'
import { createDb } from '../db/client'
import { orgOpenAIConfig } from '../db/model-settings'
import { modelFor } from './models'
import { parseModelId } from './models/model-id'
import { ModelError } from './models/types'
import { LEASE_MS, RunStopped, RunWriter } from './run-writer'
import { getTool, toolSpecs } from './tools/catalog'
import { ToolError, type ToolOutcome } from './tools/types'

/** What the queue consumer does with the message afterwards. */
export type LoopOutcome = { kind: 'done' } | { kind: 'retry'; delayMs: number }

const HEARTBEAT_MS = 10_000

/**
 * Runs (or resumes) one run: claim the lease, then model → tools → model … until a final answer,
 * an interrupt, a stop (cancel/timeout), an error or the step limit. Each step's events carry keys
 * derived from the step, so a step re-run after a crash appends nothing twice; completed tool
 * results are stored and never executed again.
 */
export async function runLoop(env: Env, runId: string, owner: string): Promise<LoopOutcome> {
  const run = runStub(env, runId)
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
    const history = spec.thread_id ? await threadStub(env, spec.thread_id).messages() : []
    const system: ChatMessage[] = spec.system_prompt ? [{ role: 'system', content: spec.system_prompt }] : []
    const org = parseModelId(spec.model)?.provider === 'openai' ? await orgOpenAIConfig(createDb(env.DB), spec.org_id, env.ENCRYPTION_KEY) : {}
    const { provider, model } = modelFor(env, spec.model, org)
    const tools = toolSpecs()

    for (;;) {
      if (step >= spec.max_steps) {
        await writer.finish({ status: 'error', output: null, error: { code: 'max_steps', message: `Stopped after ${spec.max_steps} steps` }, step, messages })
        return { kind: 'done' }
      }
      let text = ''
      let usage: Usage | undefined
      const calls: ToolCall[] = []
      let i = 0
      for await (const chunk of provider.stream({ model, messages: [...system, ...history, ...messages], tools, signal: abort.signal, attempt: claim.attempt })) {
        if (chunk.type === 'text') {
          text += chunk.text
          await writer.delta(`s${step}:d${i++}`, chunk.text)
        } else if (chunk.type === 'tool_call') calls.push(chunk.call)
        else usage = chunk.usage
      }
      const assistant: ChatMessage = { role: 'assistant', content: text || null, ...(calls.length ? { tool_calls: calls } : {}) }
      await writer.append([
        { type: 'message', data: { role: 'assistant', content: text, tool_calls: calls.map((c) => ({ ...c })) }, key: `s${step}:message` },
        ...(usage ? [{ type: 'usage' as const, data: { ...usage, step }, key: `s${step}:usage` }] : []),
      ])

      if (calls.length === 0) {
        await writer.finish({ status: 'success', output: text, step: step + 1, messages: [...messages, assistant] })
        return { kind: 'done' }
      }

      const toolMessages: ChatMessage[] = []
      for (const call of calls) {
        await writer.append([{ type: 'tool_call', data: { id: call.id, name: call.name, arguments: call.arguments }, key: `s${step}:tc:${call.id}` }])
        const stored = claim.tool_results[call.id]
        const outcome: ToolOutcome = stored !== undefined ? { kind: 'result', result: stored } : await runTool(env, spec, call, writer, abort.signal, step)
        if (outcome.kind === 'interrupt') {
          await writer.interrupt({ tool_call_id: call.id, question: outcome.question, fields: outcome.fields }, step, [...messages, assistant, ...toolMessages])
          return { kind: 'done' }
        }
        if (outcome.kind === 'exit') {
          const done: ChatMessage = { role: 'tool', tool_call_id: call.id, content: 'ok' }
          await writer.finish({ status: 'success', output: outcome.answer, step: step + 1, messages: [...messages, assistant, ...toolMessages, done] })
          return { kind: 'done' }
        }
        await writer.saveToolResult(call.id, outcome.result)
        await writer.append([{ type: 'tool_result', data: { tool_call_id: call.id, name: call.name, result: outcome.result }, key: `s${step}:tr:${call.id}` }])
        toolMessages.push({ role: 'tool', tool_call_id: call.id, content: outcome.result })
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

const ignoreStopped = (err: unknown) => {
  if (!(err instanceof RunStopped)) throw err
}

/** Validates arguments and runs the tool; a bad call or a ToolError becomes a result the model sees. */
async function runTool(env: Env, spec: RunSpec, call: ToolCall, writer: RunWriter, signal: AbortSignal, step: number): Promise<ToolOutcome> {
  const tool = getTool(call.name)
  if (!tool) return { kind: 'result', result: JSON.stringify({ error: `unknown tool "${call.name}"` }) }
  let raw: unknown
  try {
    raw = JSON.parse(call.arguments || '{}')
  } catch {
    return { kind: 'result', result: JSON.stringify({ error: 'arguments are not valid JSON' }) }
  }
  const args = tool.input.safeParse(raw)
  if (!args.success) {
    return { kind: 'result', result: JSON.stringify({ error: 'invalid arguments', issues: args.error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) }) }
  }
  let artifact = 0
  try {
    return await tool.run(args.data, {
      env,
      spec,
      signal,
      emit: (type, data: JsonObject) => writer.append([{ type, data, key: `s${step}:art:${call.id}:${artifact++}` }]),
    })
  } catch (err) {
    if (err instanceof ToolError) return { kind: 'result', result: JSON.stringify({ error: err.message }) }
    if (err instanceof RunStopped || signal.aborted) throw err
    if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'TypeError')) {
      return { kind: 'result', result: JSON.stringify({ error: `${call.name} failed: ${err.message}` }) }
    }
    throw err
  }
}
