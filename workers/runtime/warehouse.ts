import type { Db } from '../app-env'
import { createDb } from '../db/client'
import * as wh from '../db/warehouse'
import type { Env } from '../env'
import { errorForLog } from '../lib/log'
import { ToolError } from './tools/types'

/** Names of Silver mappings and their columns: they become SQL identifiers, so a strict shape. */
export const IDENT = /^[a-z_][a-z0-9_]{0,62}$/
/** JSON paths inside a row: `a.b`, `items[0].price` — inlined into json_extract, so a strict shape. */
export const JSON_PATH = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*|\[\d+\])*$/
const MAX_COLUMNS = 500
const SAMPLE_CHARS = 100
/** Gold rows kept with a materialization (a D1 row holds at most 2 MB). */
export const GOLD_ROWS = 1000

export interface Column {
  path: string
  type: string
  sample: string | null
}

/** Flattens a payload into {path, type, sample}: objects by `.`, arrays by `[]` (their first 50 items merged). */
export function flatten(value: unknown): Column[] {
  const out = new Map<string, Column>()
  const walk = (v: unknown, path: string) => {
    if (out.size >= MAX_COLUMNS) return
    if (Array.isArray(v)) {
      if (v.length === 0 && path) out.set(path, { path, type: 'array', sample: '[]' })
      for (const item of v.slice(0, 50)) walk(item, `${path}[]`)
      return
    }
    if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) walk(child, path ? `${path}.${k}` : k)
      return
    }
    const type = v === null ? 'null' : typeof v
    const known = out.get(path)
    if (!known || known.type === 'null') out.set(path, { path: path || '$', type, sample: v === null ? null : String(v).slice(0, SAMPLE_CHARS) })
  }
  walk(value, '')
  return [...out.values()]
}

/** One Silver mapping as a CTE: the generic extractor is json_each over the freshest payload. */
export function silverCte(m: Pick<wh.SilverRow, 'name' | 'rowPath' | 'columns'>): string {
  const columns = Object.entries(m.columns as Record<string, string>)
  const select = columns.map(([col, path]) => `json_extract(j.value, '$.${path}') AS "${col}"`).join(', ')
  const root = m.rowPath ? `'$.${m.rowPath}'` : `'$'`
  return `"${m.name}" AS (SELECT ${select} FROM json_each((SELECT payload FROM warehouse_raw WHERE org_id = ? AND connector = ? AND dataset_key = ? ORDER BY landed_at DESC, id DESC LIMIT 1), ${root}) AS j)`
}

const FORBIDDEN = /\b(insert|update|delete|drop|create|alter|attach|detach|pragma|replace|vacuum|reindex|analyze|trigger|load_extension)\b/i

/** Checks a Gold SELECT: one read-only statement that names no real table, only Silver mappings. */
export function checkGoldSql(raw: string, tables: Set<string>): string {
  const sqlText = raw.trim().replace(/;\s*$/, '')
  if (!/^(select|with)\b/i.test(sqlText)) throw new ToolError('sql must be one SELECT (or WITH … SELECT)')
  if (/--|\/\*/.test(sqlText)) throw new ToolError('sql must not contain comments')
  const code = sqlText.replace(/'(?:[^']|'')*'/g, "''")
  if (code.includes(';')) throw new ToolError('sql must be a single statement')
  if (FORBIDDEN.test(code)) throw new ToolError(`sql must be read-only (found "${FORBIDDEN.exec(code)?.[1]}")`)
  for (const m of code.matchAll(/"([^"]*)"|`([^`]*)`|\[([^\]]*)\]|([A-Za-z_][\w$]*)/g)) {
    const ident = (m[1] ?? m[2] ?? m[3] ?? m[4] ?? '').toLowerCase()
    if (tables.has(ident) || ident.startsWith('sqlite_') || ident.startsWith('pragma_') || ident.startsWith('_cf_')) throw new ToolError(`sql may read Silver mappings only, not "${ident}"`)
  }
  return sqlText
}

/** Runs a checked Gold SELECT with the CTEs of the Silver mappings it names. */
export async function runGold(env: Env, db: Db, orgId: number, sqlText: string): Promise<{ columns: string[]; rows: unknown[][]; row_count: number }> {
  const mappings = (await wh.listSilver(db, orgId)).filter((m) => new RegExp(`\\b${m.name}\\b`, 'i').test(sqlText))
  const ctes = mappings.map(silverCte)
  const binds = mappings.flatMap((m) => [orgId, m.connector, m.datasetKey])
  const statement = `${ctes.length ? `WITH ${ctes.join(', ')} ` : ''}SELECT * FROM (${sqlText}) LIMIT ${GOLD_ROWS + 1}`
  let raw: unknown[][]
  try {
    raw = await env.DB.prepare(statement)
      .bind(...binds)
      .raw({ columnNames: true })
  } catch (err) {
    throw new ToolError(`the SELECT failed: ${err instanceof Error ? err.message.replace(/^D1_ERROR:\s*/, '') : 'error'}`)
  }
  const [columns = [], ...rows] = raw
  return { columns: columns as string[], rows: rows.slice(0, GOLD_ROWS), row_count: rows.length }
}

/**
 * The connector executor a pull goes through (connector_execute of the connector family); until
 * it is registered, pulls are recorded as not possible. Kept as a hook so this file does not
 * depend on the connectors' code.
 */
export type ConnectorPull = (env: Env, entry: wh.RegistryRow) => Promise<unknown>
let connectorPull: ConnectorPull | undefined
export const registerConnectorPull = (pull: ConnectorPull | undefined): void => {
  connectorPull = pull
}

const PULLS_PER_TICK = 50

/** Cron job: each due registry entry is pulled once and moved to its next slot (a failed pull too). */
export async function pullDueDatasets(env: Env, now: Date): Promise<number> {
  const db = createDb(env.DB)
  const at = now.toISOString()
  let landed = 0
  for (const entry of await wh.dueRegistry(db, at, PULLS_PER_TICK)) {
    const next = new Date(now.getTime() + entry.cadenceMinutes * 60_000).toISOString()
    // Claim the slot first: an overlapping tick finds it not due any more.
    await wh.updateRegistry(db, entry.id, { nextPullAt: next, lastPullAt: at })
    let status = 'ok'
    if (!connectorPull) status = 'failed: the connector executor is not available in this deployment'
    else {
      try {
        const payload = JSON.stringify(await connectorPull(env, entry))
        await wh.landPayload(db, entry.orgId, entry.connector, entry.datasetKey, payload)
        landed += 1
      } catch (err) {
        // errorForLog: a failed insert's message would carry the payload; the reason is enough.
        status = `failed: ${errorForLog(err)}`.slice(0, 500)
      }
    }
    await wh.updateRegistry(db, entry.id, { lastStatus: status })
  }
  return landed
}
