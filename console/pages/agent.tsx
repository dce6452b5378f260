import { useEffect, useState } from 'hono/jsx'
import { api, ApiFailure } from '../api'
import { useApp } from '../context'
import type { Agent, AvailableCredential, Connector } from '../types'
import { Instances } from './instances'
import { ErrorNote } from '../error-note'

const failure = (err: unknown) => (err instanceof ApiFailure ? err.message : String(err))

/** One agent: profile, model and system prompt; connectors; credentials and grants with scopes. */
export function AgentPage({ agentId }: { agentId: string }) {
  const { t, orgId } = useApp()
  const base = `/v1/organizations/${orgId}/agents/${agentId}`
  const [agent, setAgent] = useState<Agent | null>(null)
  const [status, setStatus] = useState('')
  useEffect(() => {
    api<Agent>('GET', base)
      .then(setAgent)
      .catch((e: unknown) => setStatus(failure(e)))
  }, [base])
  if (!agent) return <p role="status">{status || t('loading')}</p>
  const field = (k: 'name' | 'description' | 'model' | 'system_prompt') => (e: Event) => setAgent({ ...agent, [k]: (e.target as HTMLInputElement).value })
  const save = async (e: Event) => {
    e.preventDefault()
    try {
      const body = { name: agent.name, description: agent.description || null, model: agent.model, system_prompt: agent.system_prompt || null, is_enabled: agent.is_enabled }
      setAgent(await api<Agent>('PATCH', base, body))
      setStatus(t('saved'))
    } catch (err) {
      setStatus(failure(err))
    }
  }
  return (
    <section aria-labelledby="agent-title">
      <h1 id="agent-title">
        {agent.name} {agent.kind === 'system' && <span class="badge">{t('system')}</span>}
      </h1>
      <a class="button" href={`#/chat/${agent.id}`}>
        {t('chat')}
      </a>
      <form class="card" onSubmit={save}>
        <label for="p-name">{t('name')}</label>
        <input id="p-name" required value={agent.name} onInput={field('name')} />
        <label for="p-description">{t('description')}</label>
        <input id="p-description" value={agent.description ?? ''} onInput={field('description')} />
        <label for="p-model">{t('model')}</label>
        <input id="p-model" value={agent.model} onInput={field('model')} />
        <label for="p-prompt">{t('systemPrompt')}</label>
        <textarea id="p-prompt" rows={5} value={agent.system_prompt ?? ''} onInput={field('system_prompt')} />
        <label class="inline">
          <input type="checkbox" checked={agent.is_enabled} onChange={(e: Event) => setAgent({ ...agent, is_enabled: (e.target as HTMLInputElement).checked })} />
          {t('enabled')}
        </label>
        <p role="status">{status}</p>
        <button type="submit">{t('save')}</button>
      </form>
      {agent.kind === 'custom' && <Connectors agent={agent} onChange={setAgent} base={base} />}
      <Credentials base={base} connectors={agent.connectors.join(',')} />
      <Instances code={agent.code} />
    </section>
  )
}

function Connectors({ agent, base, onChange }: { agent: Agent; base: string; onChange: (a: Agent) => void }) {
  const { t } = useApp()
  const [all, setAll] = useState<Connector[]>([])
  const [error, setError] = useState('')
  useEffect(() => {
    api<{ items: Connector[] }>('GET', '/v1/connectors')
      .then((p) => setAll(p.items))
      .catch((e: unknown) => setError(failure(e)))
  }, [])
  const toggle = async (key: string, on: boolean) => {
    const keys = on ? [...agent.connectors, key] : agent.connectors.filter((k) => k !== key)
    try {
      onChange(await api<Agent>('PUT', `${base}/connectors`, { connector_keys: keys }))
    } catch (err) {
      setError(failure(err))
    }
  }
  return (
    <fieldset class="card">
      <legend>{t('connectors')}</legend>
      {all.map((c) => (
        <label class="inline">
          <input type="checkbox" data-connector={c.key} checked={agent.connectors.includes(c.key)} onChange={(e: Event) => toggle(c.key, (e.target as HTMLInputElement).checked)} />
          {c.title} <code>{c.key}</code>
        </label>
      ))}
      <ErrorNote error={error} />
    </fieldset>
  )
}

/** `connectors` is a dependency: which credentials an agent can use follows its connectors. */
function Credentials({ base, connectors }: { base: string; connectors: string }) {
  const { t, orgId } = useApp()
  const [items, setItems] = useState<AvailableCredential[]>([])
  const [scopes, setScopes] = useState<Record<string, { read: boolean; write: boolean }>>({})
  const [form, setForm] = useState({ service_name: '', instance_id: '', account_label: '', secret: '' })
  const [error, setError] = useState('')
  const load = () =>
    api<AvailableCredential[]>('GET', `${base}/available-credentials`)
      .then(setItems)
      .catch((e: unknown) => setError(failure(e)))
  useEffect(() => void load(), [base, connectors])
  const act = (fn: () => Promise<unknown>) => async () => {
    try {
      setError('')
      await fn()
      await load()
    } catch (err) {
      setError(failure(err))
    }
  }
  const scopeOf = (id: string) => scopes[id] ?? { read: true, write: false }
  const add = async (e: Event) => {
    e.preventDefault()
    await act(async () => {
      await api('POST', `/v1/organizations/${orgId}/credentials`, { ...form, account_label: form.account_label || null })
      setForm({ service_name: '', instance_id: '', account_label: '', secret: '' })
    })()
  }
  const field = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value })
  return (
    <section class="card" aria-labelledby="cred-title">
      <h2 id="cred-title">{t('credentials')}</h2>
      <p class="hint">{t('credentialsHint')}</p>
      <ul class="rows">
        {items.map((c) => {
          const s = scopeOf(c.credential_id)
          const label = `${c.service_name} · ${c.account_label ?? c.instance_id}`
          return (
            <li data-credential={c.instance_id}>
              <span>{label}</span>
              {c.granted ? (
                <>
                  <span class="badge ok">{t('granted')}</span>
                  <button type="button" class="secondary" onClick={act(() => api('DELETE', `${base}/grants/${c.grant_id}`))}>
                    {t('revoke')}
                  </button>
                </>
              ) : (
                <>
                  <label class="inline">
                    <input type="checkbox" checked={s.read} onChange={(e: Event) => setScopes({ ...scopes, [c.credential_id]: { ...s, read: (e.target as HTMLInputElement).checked } })} />
                    {t('read')}
                  </label>
                  <label class="inline">
                    <input type="checkbox" checked={s.write} onChange={(e: Event) => setScopes({ ...scopes, [c.credential_id]: { ...s, write: (e.target as HTMLInputElement).checked } })} />
                    {t('write')}
                  </label>
                  <button type="button" aria-label={`${t('grant')}: ${label}`} onClick={act(() => api('POST', `${base}/grants`, { credential_id: c.credential_id, scopes: s }))}>
                    {t('grant')}
                  </button>
                </>
              )}
            </li>
          )
        })}
      </ul>
      <form onSubmit={add} class="grid">
        <label for="c-service">{t('service')}</label>
        <input id="c-service" required value={form.service_name} onInput={field('service_name')} placeholder="wildberries" />
        <label for="c-instance">{t('instance')}</label>
        <input id="c-instance" required value={form.instance_id} onInput={field('instance_id')} placeholder="wb_main" />
        <label for="c-label">{t('label')}</label>
        <input id="c-label" value={form.account_label} onInput={field('account_label')} />
        <label for="c-secret">{t('secret')}</label>
        <input id="c-secret" type="password" autocomplete="off" required value={form.secret} onInput={field('secret')} />
        <button type="submit">{t('addCredential')}</button>
      </form>
      <ErrorNote error={error} />
    </section>
  )
}
