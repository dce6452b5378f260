import { useEffect, useState } from 'hono/jsx'
import { api } from '../api'
import { useApp } from '../context'

interface Instance {
  id: string
  name: string
  agentVersion: number
  startDate: string
  timeToFirstToken: number | null
  channel: string
  costs: { total: number; currency: string }
}

/** The AgentInstance API (seed 004) for one agent code: its runs across versions, searchable. */
export function Instances({ code }: { code: string }) {
  const { t } = useApp()
  const [search, setSearch] = useState('')
  const [items, setItems] = useState<Instance[] | null>(null)
  useEffect(() => {
    const q = new URLSearchParams({ pageSize: '20', ...(search ? { search } : {}) })
    api<{ items: Instance[] | null }>('GET', `/api/v2/AgentInstance/${encodeURIComponent(code)}?${q}`)
      .then((p) => setItems(p.items ?? []))
      .catch(() => setItems([]))
  }, [code, search])
  return (
    <section class="card" aria-labelledby="instances-title">
      <h2 id="instances-title">AgentInstance</h2>
      <label for="instances-search">{t('search')}</label>
      <input id="instances-search" type="search" value={search} onChange={(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      {items === null ? (
        <p>{t('loading')}</p>
      ) : items.length === 0 ? (
        <p>{t('none')}</p>
      ) : (
        <div class="table-wrap">
          <table>
            <tbody>
              {items.map((i) => (
                <tr data-instance={i.id}>
                  <td>
                    <a href={`#/runs/${i.id}`}>{i.name}</a>
                  </td>
                  <td>v{i.agentVersion}</td>
                  <td>{i.channel}</td>
                  <td>{new Date(i.startDate).toLocaleString()}</td>
                  <td>{i.timeToFirstToken === null ? '—' : `${i.timeToFirstToken} ms`}</td>
                  <td>{`$${i.costs.total.toFixed(6)}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  )
}
