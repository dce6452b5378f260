import { useApp } from './context'

type Data = Record<string, unknown>

/** Numbers out of the shapes models send: `{labels, values}`, `{items: [{label, value}]}` or `{name: number}`. */
function points(data: Data): [string, number][] {
  if (Array.isArray(data.labels) && Array.isArray(data.values)) {
    return data.labels.map((l, i) => [String(l), Number((data.values as unknown[])[i])])
  }
  if (Array.isArray(data.items)) {
    return (data.items as Data[]).map((it) => [String(it.label ?? it.name ?? ''), Number(it.value)])
  }
  return Object.entries(data).filter(([, v]) => typeof v === 'number') as [string, number][]
}

function Chart({ title, data }: { title: string; data: Data }) {
  const pts = points(data).filter(([, v]) => Number.isFinite(v))
  const max = Math.max(1, ...pts.map(([, v]) => Math.abs(v)))
  return (
    <figure class="artifact">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${pts.length * 40} 120`} role="img" aria-label={title} class="chart">
        {pts.map(([label, v], i) => {
          const h = (Math.abs(v) / max) * 100
          return (
            <g>
              <rect x={i * 40 + 6} y={105 - h} width={28} height={h} />
              <text x={i * 40 + 20} y={118} text-anchor="middle">
                {label.slice(0, 6)}
              </text>
              <title>{`${label}: ${v}`}</title>
            </g>
          )
        })}
      </svg>
    </figure>
  )
}

function Kpi({ title, data }: { title: string; data: Data }) {
  return (
    <figure class="artifact">
      <figcaption>{title}</figcaption>
      <div class="kpis">
        {points(data).map(([label, v]) => (
          <div class="kpi">
            <span class="kpi-value">{v.toLocaleString()}</span>
            <span class="muted">{label}</span>
          </div>
        ))}
      </div>
    </figure>
  )
}

interface MapPoint {
  lat: number
  lon: number
  label: string
}

/**
 * A render_map artifact as points on an equirectangular sketch fitted to them: no tiles, because the
 * console loads nothing from off the machine; each point links to OpenStreetMap for the real map.
 */
function GeoMap({ title, points }: { title: string; points: MapPoint[] }) {
  const pts = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon))
  const lats = pts.map((p) => p.lat)
  const lons = pts.map((p) => p.lon)
  const [minLat, maxLat, minLon, maxLon] = [Math.min(...lats), Math.max(...lats), Math.min(...lons), Math.max(...lons)]
  const span = Math.max(maxLat - minLat, maxLon - minLon, 0.01)
  const x = (lon: number) => 20 + ((lon - minLon) / span) * 260
  const y = (lat: number) => 180 - ((lat - minLat) / span) * 160
  return (
    <figure class="artifact">
      <figcaption>{title}</figcaption>
      <svg viewBox="0 0 300 200" role="img" aria-label={title} class="map">
        <rect x={0} y={0} width={300} height={200} class="map-bg" />
        {pts.map((p) => (
          <a href={`https://www.openstreetmap.org/?mlat=${p.lat}&mlon=${p.lon}#map=12/${p.lat}/${p.lon}`} target="_blank" rel="noopener noreferrer">
            <circle cx={x(p.lon)} cy={y(p.lat)} r={5} data-lat={p.lat} data-lon={p.lon} />
            <text x={x(p.lon) + 7} y={y(p.lat) + 4}>
              {p.label.slice(0, 24)}
            </text>
            <title>{`${p.label}: ${p.lat}, ${p.lon}`}</title>
          </a>
        ))}
      </svg>
    </figure>
  )
}

function Compose({ id, variants }: { id: string; variants: string[] }) {
  const { t } = useApp()
  return (
    <div class="artifact compose">
      {variants.map((text, i) => (
        <div class="variant">
          <label for={`${id}-v${i}`}>{`${t('variant')} ${i + 1}`}</label>
          <textarea id={`${id}-v${i}`} rows={3} value={text} />
          <button type="button" class="secondary" onClick={() => void navigator.clipboard?.writeText(text)}>
            {t('copy')}
          </button>
        </div>
      ))}
    </div>
  )
}

/** An `artifact` event rendered in the bubble (`id` unique on the page); an unknown shape is shown as JSON. */
export function Artifact({ id, data }: { id: string; data: Data }) {
  const title = String(data.title ?? '')
  const body = (data.data ?? {}) as Data
  if (data.type === 'render_visual' && data.kind === 'kpi') return <Kpi title={title} data={body} />
  if (data.type === 'render_visual' && data.kind === 'chart') return <Chart title={title} data={body} />
  if (data.type === 'render_map' && Array.isArray(data.points)) {
    return <GeoMap title={title} points={(data.points as Data[]).map((p) => ({ lat: Number(p.lat), lon: Number(p.lon), label: String(p.label ?? '') }))} />
  }
  if (data.type === 'message_compose' && Array.isArray(data.variants)) return <Compose id={id} variants={data.variants.map(String)} />
  return <pre class="artifact">{JSON.stringify(data, null, 2)}</pre>
}
