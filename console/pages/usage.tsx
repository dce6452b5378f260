import { useEffect, useState } from 'hono/jsx'
import { api } from '../api'
import { useApp } from '../context'

interface OrgUsage {
  since: string
  spent_usd: number
  budget_usd: number | null
}

/** This month's spend against the budget, as a bar. */
export function UsagePage() {
  const { t, orgId } = useApp()
  const [usage, setUsage] = useState<OrgUsage | null>(null)
  useEffect(() => {
    api<OrgUsage>('GET', `/v1/organizations/${orgId}/usage`).then(setUsage).catch(() => setUsage(null))
  }, [orgId])
  if (!usage) return <p>{t('loading')}</p>
  const share = usage.budget_usd ? Math.min(1, usage.spent_usd / usage.budget_usd) : 0
  return (
    <section class="card" aria-labelledby="usage-title">
      <h1 id="usage-title">{t('usage')}</h1>
      <p>
        {t('spent')}: <strong>${usage.spent_usd.toFixed(6)}</strong> · {t('budget')}:{' '}
        {usage.budget_usd === null ? t('noBudget') : `$${usage.budget_usd.toFixed(2)}`}
      </p>
      <meter min={0} max={1} value={share} high={0.8} aria-label={t('budget')} class="budget" />
      <p class="muted">{usage.since.slice(0, 10)} →</p>
    </section>
  )
}
