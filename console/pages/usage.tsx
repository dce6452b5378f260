import { useEffect, useState } from 'hono/jsx'
import { api } from '../api'
import { Artifact } from '../artifacts'
import { useApp } from '../context'
import type { Page, Run } from '../types'

interface OrgUsage {
  since: string
  spent_usd: number
  budget_usd: number | null
}

/** This month's spend against the budget as a bar, and the spend per day of the latest 100 runs. */
export function UsagePage() {
  const { t, orgId } = useApp()
  const [usage, setUsage] = useState<OrgUsage | null>(null)
  const [days, setDays] = useState<[string, number][]>([])
  useEffect(() => {
    api<OrgUsage>('GET', `/v1/organizations/${orgId}/usage`)
      .then(setUsage)
      .catch(() => setUsage(null))
    api<Page<Run>>('GET', `/v1/organizations/${orgId}/runs?limit=100`)
      .then((p) => {
        const byDay = new Map<string, number>()
        for (const r of p.items) byDay.set(r.created_at.slice(5, 10), (byDay.get(r.created_at.slice(5, 10)) ?? 0) + r.costs.total)
        setDays([...byDay].reverse())
      })
      .catch(() => setDays([]))
  }, [orgId])
  if (!usage) return <p>{t('loading')}</p>
  const share = usage.budget_usd ? Math.min(1, usage.spent_usd / usage.budget_usd) : 0
  return (
    <section class="card" aria-labelledby="usage-title">
      <h1 id="usage-title">{t('usage')}</h1>
      <p>
        {t('spent')}: <strong class="spent">${usage.spent_usd.toFixed(6)}</strong> · {t('budget')}:{' '}
        <strong class="budget-usd">{usage.budget_usd === null ? t('noBudget') : `$${usage.budget_usd.toFixed(2)}`}</strong>
      </p>
      <meter min={0} max={1} value={share} high={0.8} aria-label={t('budget')} class="budget" />
      <p class="muted">{usage.since.slice(0, 10)} →</p>
      {days.length > 0 && <Artifact id="per-day" data={{ type: 'render_visual', kind: 'chart', title: t('perDay'), data: { labels: days.map(([d]) => d), values: days.map(([, v]) => v) } }} />}
    </section>
  )
}
