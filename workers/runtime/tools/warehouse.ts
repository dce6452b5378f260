import { z } from 'zod'
import { createDb } from '../../db/client'
import * as wh from '../../db/warehouse'
import { isUniqueViolation } from '../../db/errors'
import { checkGoldSql, flatten, IDENT, JSON_PATH, runGold, silverCte } from '../warehouse'
import { defineTool, type ToolContext, ToolError } from './types'

const result = (value: unknown) => ({ kind: 'result' as const, result: JSON.stringify(value) })
const db = (ctx: ToolContext) => createDb(ctx.env.DB)
const Key = z.string().regex(/^[\w.-]{1,64}$/, 'letters, digits, "_", "-" or "." (at most 64)')
const Ident = z.string().regex(IDENT, 'a lowercase SQL name: a-z, 0-9, "_" (at most 63)')
const Path = z.string().regex(JSON_PATH, 'a JSON path like items or data.rows or price.value')
const MIN_CADENCE = 15

function need<T>(value: T | undefined, what: string, action: string): T {
  if (value === undefined) throw new ToolError(`${action} needs ${what}`)
  return value
}

export const listDatasets = defineTool({
  name: 'list_datasets',
  input: z.object({ connector: Key.optional() }),
  run: async (args, ctx) => result(await wh.landedDatasets(db(ctx), ctx.spec.org_id, args.connector)),
})

export const describeDataset = defineTool({
  name: 'describe_dataset',
  input: z.object({ connector: Key, dataset_key: Key }),
  run: async (args, ctx) => {
    const fresh = await wh.freshestPayload(db(ctx), ctx.spec.org_id, args.connector, args.dataset_key)
    if (!fresh) throw new ToolError(`nothing landed for ${args.connector}/${args.dataset_key}; see list_datasets`)
    return result({ connector: args.connector, dataset_key: args.dataset_key, landed_at: fresh.landedAt, columns: flatten(JSON.parse(fresh.payload)) })
  },
})

const toEntry = (r: wh.RegistryRow) => ({
  connector: r.connector,
  dataset_key: r.datasetKey,
  operation: r.operation,
  params: r.params,
  cadence_minutes: r.cadenceMinutes,
  enabled: r.enabled,
  next_pull_at: r.nextPullAt,
  last_pull_at: r.lastPullAt,
  last_status: r.lastStatus,
})

export const manageDataset = defineTool({
  name: 'manage_dataset',
  input: z.object({
    action: z.enum(['register', 'list', 'update', 'pause', 'delete']),
    connector: Key.optional(),
    dataset_key: Key.optional(),
    operation: z.string().min(1).max(200).optional(),
    params: z.record(z.string(), z.unknown()).optional(),
    cadence_minutes: z
      .number()
      .int()
      .min(MIN_CADENCE)
      .max(7 * 24 * 60)
      .optional(),
  }),
  run: async (args, ctx) => {
    const d = db(ctx)
    const orgId = ctx.spec.org_id
    if (args.action === 'list') return result((await wh.listRegistry(d, orgId)).map(toEntry))
    const connector = need(args.connector, 'connector', args.action)
    const datasetKey = need(args.dataset_key, 'dataset_key', args.action)
    if (args.action === 'register') {
      if (!ctx.spec.connectors.includes(connector)) throw new ToolError(`connector ${connector} is not allowed for this agent`)
      try {
        const row = await wh.insertRegistry(d, {
          id: crypto.randomUUID(),
          orgId,
          agentId: ctx.spec.agent_id,
          connector,
          datasetKey,
          operation: need(args.operation, 'operation', 'register'),
          params: args.params ?? {},
          cadenceMinutes: args.cadence_minutes ?? 60,
          // The first pull is on the next cron tick.
          nextPullAt: new Date().toISOString(),
        })
        return result(toEntry(row))
      } catch (err) {
        if (isUniqueViolation(err)) throw new ToolError(`${connector}/${datasetKey} is registered already; use update`)
        throw err
      }
    }
    const entry = await wh.registryEntry(d, orgId, connector, datasetKey)
    if (!entry) throw new ToolError(`${connector}/${datasetKey} is not registered`)
    if (args.action === 'delete') {
      await wh.deleteRegistry(d, entry.id)
      return result({ deleted: `${connector}/${datasetKey}` })
    }
    const change =
      args.action === 'pause'
        ? { enabled: false }
        : {
            enabled: true,
            ...(args.operation ? { operation: args.operation } : {}),
            ...(args.params ? { params: args.params } : {}),
            ...(args.cadence_minutes ? { cadenceMinutes: args.cadence_minutes } : {}),
          }
    const row = await wh.updateRegistry(d, entry.id, change)
    return result(row ? toEntry(row) : null)
  },
})

const toMapping = (m: wh.SilverRow) => ({ name: m.name, connector: m.connector, dataset_key: m.datasetKey, row_path: m.rowPath, columns: m.columns, updated_at: m.updatedAt })

export const manageSilver = defineTool({
  name: 'manage_silver',
  input: z.object({
    action: z.enum(['create', 'list', 'update', 'delete', 'preview']),
    name: Ident.optional(),
    connector: Key.optional(),
    dataset_key: Key.optional(),
    row_path: z.union([Path, z.literal('')]).optional(),
    columns: z.record(Ident, Path).optional(),
  }),
  run: async (args, ctx) => {
    const d = db(ctx)
    const orgId = ctx.spec.org_id
    if (args.action === 'list') return result((await wh.listSilver(d, orgId)).map(toMapping))
    const name = need(args.name, 'name', args.action)
    if (args.action === 'delete') {
      if (!(await wh.deleteSilver(d, orgId, name))) throw new ToolError(`no mapping ${name}`)
      return result({ deleted: name })
    }
    const current = await wh.silverByName(d, orgId, name)
    if (args.action === 'preview') {
      if (!current) throw new ToolError(`no mapping ${name}`)
      const { columns, rows } = await runGold(ctx.env, d, orgId, `SELECT * FROM "${name}" LIMIT 20`)
      return result({ name, columns, rows })
    }
    if (args.action === 'create' && current) throw new ToolError(`mapping ${name} exists; use update`)
    if (args.action === 'update' && !current) throw new ToolError(`no mapping ${name}`)
    const tables = await wh.schemaNames(ctx.env.DB)
    if (tables.has(name)) throw new ToolError(`"${name}" is reserved; choose another name`)
    const columns = args.columns ?? (current?.columns as Record<string, string> | undefined)
    if (!columns || Object.keys(columns).length === 0) throw new ToolError(`${args.action} needs columns`)
    if (Object.keys(columns).length > 50) throw new ToolError('at most 50 columns')
    const row = {
      id: current?.id ?? crypto.randomUUID(),
      orgId,
      name,
      connector: need(args.connector ?? current?.connector, 'connector', args.action),
      datasetKey: need(args.dataset_key ?? current?.datasetKey, 'dataset_key', args.action),
      rowPath: args.row_path ?? current?.rowPath ?? '',
      columns,
    }
    silverCte(row) // shapes are already strict; this only proves the mapping renders
    return result(toMapping(await wh.upsertSilver(d, row)))
  },
})

export const manageGold = defineTool({
  name: 'manage_gold',
  input: z.object({ action: z.enum(['create', 'list', 'run', 'read', 'delete']), name: Ident.optional(), sql: z.string().min(1).max(10_000).optional() }),
  run: async (args, ctx) => {
    const d = db(ctx)
    const orgId = ctx.spec.org_id
    if (args.action === 'list') return result(await wh.listGold(d, orgId))
    const name = need(args.name, 'name', args.action)
    if (args.action === 'delete') {
      if (!(await wh.deleteGold(d, orgId, name))) throw new ToolError(`no mart ${name}`)
      return result({ deleted: name })
    }
    if (args.action === 'create') {
      const sqlText = checkGoldSql(need(args.sql, 'sql', 'create'), await wh.schemaNames(ctx.env.DB))
      if (await wh.goldByName(d, orgId, name)) throw new ToolError(`mart ${name} exists; its SQL is frozen — create one with a new name`)
      const out = await runGold(ctx.env, d, orgId, sqlText)
      const mart = await wh.insertGold(d, { id: crypto.randomUUID(), orgId, name, sql: sqlText })
      const saved = await wh.saveMaterialization(d, mart.id, { columns: out.columns, rows: out.rows }, out.row_count)
      return result({ name, sql: sqlText, materialized_at: saved?.materializedAt ?? null, ...out })
    }
    const mart = await wh.goldByName(d, orgId, name)
    if (!mart) throw new ToolError(`no mart ${name}`)
    if (args.action === 'read') return result({ name, sql: mart.sql, materialized_at: mart.materializedAt, row_count: mart.rowCount, ...(mart.result as object | null) })
    // Re-checked on every run: a Silver mapping may have been renamed into a reserved name since.
    const out = await runGold(ctx.env, d, orgId, checkGoldSql(mart.sql, await wh.schemaNames(ctx.env.DB)))
    const saved = await wh.saveMaterialization(d, mart.id, { columns: out.columns, rows: out.rows }, out.row_count)
    return result({ name, sql: mart.sql, materialized_at: saved?.materializedAt ?? null, ...out })
  },
})
