import { useEffect, useRef, useState } from 'hono/jsx'
import { api, ApiFailure, follow, type StreamEvent } from '../api'
import { Artifact } from '../artifacts'
import { useApp } from '../context'
import { money, type Agent, type Turn } from '../types'
import { ErrorNote } from '../error-note'

interface ToolFold {
  id: string
  name: string
  args: string
  result?: string
}

interface TurnView {
  turnId: string
  input: string
  /** Text of finished steps (`message` events are authoritative) and the step streaming now. */
  text: string
  live: string
  tools: ToolFold[]
  artifacts: Record<string, unknown>[]
  question: string | null
  status: string
  error: string | null
  final: Turn | null
}

const TERMINAL = new Set(['success', 'error', 'cancelled', 'timeout'])

function apply(v: TurnView, e: StreamEvent): TurnView {
  const d = e.data
  switch (e.type) {
    case 'message_delta':
      return { ...v, live: v.live + String(d.text ?? '') }
    case 'message':
      return { ...v, text: [v.text, String(d.content ?? '')].filter(Boolean).join('\n\n'), live: '' }
    case 'tool_call':
      return { ...v, tools: [...v.tools, { id: String(d.id), name: String(d.name), args: String(d.arguments ?? '') }] }
    case 'tool_result':
      return { ...v, tools: v.tools.map((t) => (t.id === d.tool_call_id ? { ...t, result: typeof d.result === 'string' ? d.result : JSON.stringify(d.result) } : t)) }
    case 'artifact':
      return { ...v, artifacts: [...v.artifacts, d] }
    case 'interrupt':
      return { ...v, question: String(d.question ?? ''), status: 'interrupted' }
    case 'status':
      return { ...v, status: String(d.status ?? v.status), question: d.status === 'running' ? null : v.question }
    case 'error':
      return { ...v, error: String(d.message ?? d.code ?? 'error') }
    case 'done':
      return { ...v, status: String(d.status ?? 'success'), question: null }
    default:
      return v
  }
}

/** A session with one agent: send, watch tokens stream, answer questions in place, cancel. */
export function ChatPage({ agentId }: { agentId: string }) {
  const { t, orgId } = useApp()
  const [agent, setAgent] = useState<Agent | null>(null)
  const [sessionId, setSessionId] = useState<string | null>(null)
  const [turns, setTurns] = useState<TurnView[]>([])
  const [draft, setDraft] = useState('')
  const [dropped, setDropped] = useState(false)
  const [error, setError] = useState('')
  const aborts = useRef<AbortController[]>([])
  useEffect(() => {
    api<Agent>('GET', `/v1/organizations/${orgId}/agents/${agentId}`)
      .then(setAgent)
      .catch((e: unknown) => setError(String(e)))
    return () => {
      for (const a of aborts.current ?? []) a.abort()
    }
  }, [agentId])

  // Follow the newest text while the reader is at the bottom; leave them be when they scrolled up.
  useEffect(() => {
    if (innerHeight + scrollY >= document.documentElement.scrollHeight - 200) scrollTo(0, document.documentElement.scrollHeight)
  }, [turns])
  const update = (turnId: string, fn: (v: TurnView) => TurnView) => setTurns((all) => all.map((v) => (v.turnId === turnId ? fn(v) : v)))
  const watch = (session: string, turnId: string) => {
    const abort = new AbortController()
    aborts.current?.push(abort)
    const path = `/v1/sessions/${session}/turns/${turnId}`
    void follow(`${path}/stream`, (e) => update(turnId, (v) => apply(v, e)), setDropped, abort.signal).then(async () => {
      if (abort.signal.aborted) return
      const final = await api<Turn>('GET', path)
      update(turnId, (v) => ({ ...v, final, status: final.status }))
    })
  }
  const send = async (e: Event) => {
    e.preventDefault()
    const message = draft.trim()
    if (!message) return
    try {
      setError('')
      const started = await api<{ session_id: string; turn_id: string }>('POST', '/v1/sessions/stream', {
        message,
        agent_id: agentId,
        ...(sessionId ? { session_id: sessionId } : {}),
      })
      setSessionId(started.session_id)
      setDraft('')
      setTurns((all) => [...all, { turnId: started.turn_id, input: message, text: '', live: '', tools: [], artifacts: [], question: null, status: 'pending', error: null, final: null }])
      watch(started.session_id, started.turn_id)
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err))
    }
  }
  const post = (turnId: string, verb: 'resume' | 'cancel', body?: unknown) =>
    api('POST', `/v1/sessions/${sessionId}/turns/${turnId}/${verb}`, body).catch((err: unknown) => setError(err instanceof ApiFailure ? err.message : String(err)))

  return (
    <section class="chat" aria-labelledby="chat-title">
      <h1 id="chat-title">
        {t('chat')}: {agent?.name ?? '…'}
      </h1>
      {dropped && (
        <p role="status" class="warn">
          {t('reconnecting')}
        </p>
      )}
      <ol class="turns" aria-live="polite">
        {turns.map((v) => (
          <li class="turn" data-turn={v.turnId} data-status={v.status}>
            <p class="bubble user">{v.input}</p>
            <div class="bubble assistant">
              {v.tools.map((tool) => (
                <details class="tool">
                  <summary>
                    {t('toolCall')}: <code>{tool.name}</code> {tool.result === undefined ? '…' : '✓'}
                  </summary>
                  <pre>{tool.args}</pre>
                  {tool.result !== undefined && <pre>{tool.result}</pre>}
                </details>
              ))}
              {v.artifacts.map((a, i) => (
                <Artifact id={`${v.turnId}-${i}`} data={a} />
              ))}
              <p class="reply">{[v.text, v.live].filter(Boolean).join('\n\n')}</p>
              {v.question !== null && <Question id={`answer-${v.turnId}`} question={v.question} onAnswer={(answer) => post(v.turnId, 'resume', { answer })} />}
              <ErrorNote error={v.error} />
              <p class="meta">
                <span class={`status s-${v.status}`}>{v.status}</span>
                {v.final && ` · ${v.final.usage.total_tokens} ${t('tokens').toLowerCase()} · ${money(v.final.costs)}`}
                {!TERMINAL.has(v.status) && (
                  <button type="button" class="secondary" onClick={() => void post(v.turnId, 'cancel')}>
                    {t('cancel')}
                  </button>
                )}
              </p>
            </div>
          </li>
        ))}
      </ol>
      <form class="composer" onSubmit={send}>
        <label for="chat-input" class="sr-only">
          {t('message')}
        </label>
        <textarea
          id="chat-input"
          rows={2}
          value={draft}
          placeholder={t('message')}
          onInput={(e: Event) => setDraft((e.target as HTMLTextAreaElement).value)}
          onKeyDown={(e: KeyboardEvent) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault()
              ;(e.target as HTMLTextAreaElement).form?.requestSubmit()
            }
          }}
        />
        <button type="submit">{t('send')}</button>
      </form>
      <ErrorNote error={error} />
    </section>
  )
}

function Question({ id, question, onAnswer }: { id: string; question: string; onAnswer: (answer: string) => unknown }) {
  const { t } = useApp()
  const [answer, setAnswer] = useState('')
  return (
    <form
      class="question"
      onSubmit={(e: Event) => {
        e.preventDefault()
        if (answer.trim()) void onAnswer(answer.trim())
      }}
    >
      <label for={id}>
        {t('question')}: <strong>{question}</strong>
      </label>
      <input id={id} value={answer} placeholder={t('yourAnswer')} onInput={(e: Event) => setAnswer((e.target as HTMLInputElement).value)} />
      <button type="submit">{t('answer')}</button>
    </form>
  )
}
