import { useEffect, useState } from 'hono/jsx'
import { api, ApiFailure } from '../api'
import { useApp } from '../context'
import type { Agent, Page } from '../types'
import { ErrorNote } from '../error-note'

/** The org's agents, the system agent first, and a form to create one. */
export function AgentsPage() {
  const { t, orgId } = useApp()
  const [agents, setAgents] = useState<Agent[] | null>(null)
  const [form, setForm] = useState({ name: '', code: '', model: 'dev/echo', system_prompt: '' })
  const [error, setError] = useState('')
  useEffect(() => {
    api<Page<Agent>>('GET', `/v1/organizations/${orgId}/agents?limit=100`)
      .then((p) => setAgents([...p.items].sort((a, b) => Number(b.kind === 'system') - Number(a.kind === 'system'))))
      .catch((e: unknown) => setError(String(e)))
  }, [orgId])
  const field = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })
  const create = async (e: Event) => {
    e.preventDefault()
    try {
      const agent = await api<Agent>('POST', `/v1/organizations/${orgId}/agents`, {
        name: form.name,
        model: form.model,
        ...(form.code ? { code: form.code } : {}),
        ...(form.system_prompt ? { system_prompt: form.system_prompt } : {}),
      })
      location.hash = `#/agents/${agent.id}`
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err))
    }
  }
  return (
    <section aria-labelledby="agents-title">
      <h1 id="agents-title">{t('agents')}</h1>
      {agents === null ? (
        <p>{t('loading')}</p>
      ) : (
        <ul class="cards" aria-label={t('agents')}>
          {agents.map((a) => (
            <li class="card" data-agent={a.code}>
              <a href={`#/agents/${a.id}`}>
                <strong>{a.name}</strong>
              </a>
              {a.kind === 'system' && <span class="badge">{t('system')}</span>}
              <p class="muted">
                {a.code} · {a.model}
              </p>
              <a class="button" href={`#/chat/${a.id}`}>
                {t('chat')}
              </a>
            </li>
          ))}
        </ul>
      )}
      <form class="card" onSubmit={create} aria-labelledby="new-agent-title">
        <h2 id="new-agent-title">{t('newAgent')}</h2>
        <label for="agent-name">{t('name')}</label>
        <input id="agent-name" required value={form.name} onInput={field('name')} />
        <label for="agent-code">{t('code')}</label>
        <input id="agent-code" value={form.code} onInput={field('code')} placeholder="marketplace-manager" />
        <label for="agent-model">{t('model')}</label>
        <input id="agent-model" value={form.model} onInput={field('model')} />
        <label for="agent-prompt">{t('systemPrompt')}</label>
        <textarea id="agent-prompt" rows={3} value={form.system_prompt} onInput={field('system_prompt')} />
        <ErrorNote error={error} />
        <button type="submit">{t('create')}</button>
      </form>
    </section>
  )
}
