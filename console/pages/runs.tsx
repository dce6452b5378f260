import { useEffect, useState } from 'hono/jsx'
import { api, follow, type StreamEvent } from '../api'
import { useApp } from '../context'
import { money, type Agent, type Page, type Run } from '../types'

const STATUSES = ['pending', 'running', 'interrupted', 'success', 'error', 'cancelled', 'timeout']
const CHANNELS = ['session', 'acp', 'codegen', 'cron']
const ms = (v: number | null) => (v === null ? '—' : `${v} ms`)

/** Runs of every channel, newest first, filtered by status, channel and agent. */
export function RunsPage() {
  const { t, orgId } = useApp()
  const [filters, setFilters] = useState({ status: '', channel: '', agent_id: '' })
  const [runs, setRuns] = useState<Run[] | null>(null)
  const [agents, setAgents] = useState<Agent[]>([])
  useEffect(() => {
    api<Page<Agent>>('GET', `/v1/organizations/${orgId}/agents?limit=100`)
      .then((p) => setAgents(p.items))
      .catch(() => setAgents([]))
  }, [orgId])
  useEffect(() => {
    const q = new URLSearchParams(Object.entries(filters).filter(([, v]) => v !== ''))
    q.set('limit', '50')
    api<Page<Run>>('GET', `/v1/organizations/${orgId}/runs?${q}`)
      .then((p) => setRuns(p.items))
      .catch(() => setRuns([]))
  }, [orgId, filters.status, filters.channel, filters.agent_id])
  const select = (k: keyof typeof filters, label: string, options: [string, string][]) => (
    <label>
      {label}
      <select value={filters[k]} onChange={(e: Event) => setFilters({ ...filters, [k]: (e.target as HTMLSelectElement).value })}>
        <option value="">{t('all')}</option>
        {options.map(([v, text]) => (
          <option value={v}>{text}</option>
        ))}
      </select>
    </label>
  )
  const agentName = (id: string) => agents.find((a) => a.id === id)?.name ?? id.slice(0, 8)
  return (
    <section aria-labelledby="runs-title">
      <h1 id="runs-title">{t('runs')}</h1>
      <div class="filters">
        {select(
          'status',
          t('status'),
          STATUSES.map((s) => [s, s]),
        )}
        {select(
          'channel',
          t('channel'),
          CHANNELS.map((s) => [s, s]),
        )}
        {select(
          'agent_id',
          t('agent'),
          agents.map((a) => [a.id, a.name]),
        )}
      </div>
      {runs === null ? (
        <p>{t('loading')}</p>
      ) : runs.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <div class="table-wrap">
          <table class="runs">
            <thead>
              <tr>
                <th scope="col">{t('created')}</th>
                <th scope="col">{t('agent')}</th>
                <th scope="col">{t('channel')}</th>
                <th scope="col">{t('status')}</th>
                <th scope="col">{t('ttft')}</th>
                <th scope="col">{t('tokens')}</th>
                <th scope="col">{t('cost')}</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr data-run={r.id}>
                  <td>
                    <a href={`#/runs/${r.id}`}>{new Date(r.created_at).toLocaleString()}</a>
                  </td>
                  <td>{agentName(r.agent_id)}</td>
                  <td>{r.channel}</td>
                  <td>
                    <span class={`status s-${r.status}`}>{r.status}</span>
                  </td>
                  <td>{ms(r.time_to_first_token_ms)}</td>
                  <td>{r.usage.total_tokens}</td>
                  <td class="cost">{money(r.costs)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}

/** One run: its fields and its event timeline (the SSE log replayed from the start). */
export function RunPage({ runId }: { runId: string }) {
  const { t, orgId } = useApp()
  const path = `/v1/organizations/${orgId}/runs/${runId}`
  const [run, setRun] = useState<Run | null>(null)
  const [events, setEvents] = useState<StreamEvent[]>([])
  useEffect(() => {
    const abort = new AbortController()
    api<Run>('GET', path)
      .then(setRun)
      .catch(() => setRun(null))
    void follow(
      `${path}/stream`,
      (e) => setEvents((all) => [...all, e]),
      () => {},
      abort.signal,
    )
    return () => abort.abort()
  }, [path])
  if (!run) return <p>{t('loading')}</p>
  return (
    <section aria-labelledby="run-title">
      <h1 id="run-title">
        {run.model} · <span class={`status s-${run.status}`}>{run.status}</span>
      </h1>
      <dl class="facts">
        <dt>{t('channel')}</dt>
        <dd>{run.channel}</dd>
        <dt>{t('ttft')}</dt>
        <dd>{ms(run.time_to_first_token_ms)}</dd>
        <dt>{t('tokens')}</dt>
        <dd>{`${run.usage.prompt_tokens} + ${run.usage.completion_tokens} = ${run.usage.total_tokens}`}</dd>
        <dt>{t('cost')}</dt>
        <dd>{money(run.costs)}</dd>
        <dt>{t('input')}</dt>
        <dd>{run.input}</dd>
        <dt>{t('output')}</dt>
        <dd>{run.output ?? run.error?.message ?? '—'}</dd>
      </dl>
      <h2>{t('events')}</h2>
      <ol class="timeline">
        {events.map((e) => (
          <li>
            <code>#{e.id}</code> <strong>{e.type}</strong> <span class="muted">{e.type === 'message_delta' ? String(e.data.text) : JSON.stringify(e.data).slice(0, 200)}</span>
          </li>
        ))}
      </ol>
    </section>
  )
}
