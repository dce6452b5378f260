import { useEffect, useState } from 'hono/jsx'
import { api } from '../api'
import { useApp } from '../context'
import { money, type Page, type Run } from '../types'

interface Schedule {
  id: string
  name: string
  cron: string
  timezone: string
  enabled: boolean
  next_run_at: string | null
  last_status: string | null
}

interface Webhook {
  id: string
  url: string
  event_types: string[]
  enabled: boolean
}

interface Delivery {
  id: string
  event_type: string
  status: string
  attempts: number
  last_status_code: number | null
  created_at: string
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—')

/** Rows fetched the first time the <details> opens: a long list costs nothing until asked for. */
function Lazy<T>({ path, row }: { path: string; row: (item: T) => unknown }) {
  const { t } = useApp()
  const [items, setItems] = useState<T[] | null>(null)
  const [open, setOpen] = useState(false)
  useEffect(() => {
    if (open && items === null)
      api<Page<T>>('GET', path)
        .then((p) => setItems(p.items))
        .catch(() => setItems([]))
  }, [open])
  return (
    <details onToggle={(e: Event) => setOpen((e.target as HTMLDetailsElement).open)}>
      <summary>{t('history')}</summary>
      {items === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <ul class="rows">
          {items.map((i) => (
            <li>{row(i)}</li>
          ))}
        </ul>
      )}
    </details>
  )
}

/** Schedules with their executions, webhooks with their deliveries. */
export function AutomationPage() {
  const { t, orgId } = useApp()
  const base = `/v1/organizations/${orgId}`
  const [schedules, setSchedules] = useState<Schedule[] | null>(null)
  const [webhooks, setWebhooks] = useState<Webhook[] | null>(null)
  useEffect(() => {
    api<Page<Schedule>>('GET', `${base}/schedules?limit=100`)
      .then((p) => setSchedules(p.items))
      .catch(() => setSchedules([]))
    api<Page<Webhook>>('GET', `${base}/webhooks?limit=100`)
      .then((p) => setWebhooks(p.items))
      .catch(() => setWebhooks([]))
  }, [base])
  return (
    <section aria-labelledby="automation-title">
      <h1 id="automation-title">{t('automation')}</h1>
      <h2>{t('schedules')}</h2>
      {schedules?.length === 0 && <p>{t('none')}</p>}
      <ul class="cards">
        {(schedules ?? []).map((s) => (
          <li class="card" data-schedule={s.id}>
            <strong>{s.name}</strong> {!s.enabled && <span class="badge">off</span>}
            <p class="muted">
              <code>{s.cron}</code> {s.timezone} · {t('nextRun')}: {when(s.next_run_at)} · {s.last_status ?? '—'}
            </p>
            <Lazy<Run>
              path={`${base}/schedules/${s.id}/executions?limit=20`}
              row={(r) => (
                <>
                  <a href={`#/runs/${r.id}`}>{when(r.created_at)}</a> <span class={`status s-${r.status}`}>{r.status}</span> {money(r.costs)}
                </>
              )}
            />
          </li>
        ))}
      </ul>
      <h2>{t('webhooks')}</h2>
      {webhooks?.length === 0 && <p>{t('none')}</p>}
      <ul class="cards">
        {(webhooks ?? []).map((w) => (
          <li class="card" data-webhook={w.id}>
            <strong class="url">{w.url}</strong> {!w.enabled && <span class="badge">off</span>}
            <p class="muted">{w.event_types.join(', ')}</p>
            <Lazy<Delivery>
              path={`${base}/webhooks/${w.id}/deliveries?limit=20`}
              row={(d) => `${when(d.created_at)} · ${d.event_type} · ${d.status} · ${d.attempts}× · ${d.last_status_code ?? '—'}`}
            />
          </li>
        ))}
      </ul>
    </section>
  )
}
