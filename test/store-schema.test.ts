import { runInDurableObject } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { RUN_SCHEMA } from '../durable-objects/run-store'
import { openStore, replayMigrations, type StoreSchema } from '../durable-objects/sql'
import { THREAD_SCHEMA } from '../durable-objects/thread-store'

/** Every table of the object's SQLite, with its columns as SQLite reports them (name, type, default, keys). */
function shape(sql: SqlStorage): Record<string, string> {
  const tables = sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_cf%' ESCAPE '\\' AND name NOT LIKE 'sqlite%' ORDER BY name").toArray()
  return Object.fromEntries(tables.map(({ name }) => [name, JSON.stringify(sql.exec(`SELECT name, type, "notnull", dflt_value, pk FROM pragma_table_info('${name}') ORDER BY cid`).toArray())]))
}

const stores: [string, DurableObjectNamespace, StoreSchema][] = [
  ['RunObject', env.RUNS as DurableObjectNamespace, RUN_SCHEMA],
  ['ThreadObject', env.THREADS as DurableObjectNamespace, THREAD_SCHEMA],
]

describe('Durable Object schemas: a new object gets at once what an old one gets by migrating', () => {
  for (const [label, ns, schema] of stores) {
    it(`${label}: current equals every migration replayed, and an object at an older version migrates to it`, async ({ expect }) => {
      // Constructing the object opens its store: a new object, so the current schema in one batch.
      const fresh = await runInDurableObject(ns.getByName(crypto.randomUUID()), (_, state) => shape(state.storage.sql))
      const replayed = await runInDurableObject(ns.getByName(crypto.randomUUID()), async (_, state) => {
        await state.storage.deleteAll()
        replayMigrations(state.storage.sql, schema)
        return shape(state.storage.sql)
      })
      expect(Object.keys(fresh).length).toBeGreaterThan(2)
      expect({ ...replayed, meta: fresh.meta }).toEqual(fresh)

      const upgraded = await runInDurableObject(ns.getByName(crypto.randomUUID()), async (_, state) => {
        await state.storage.deleteAll()
        const sql = state.storage.sql
        sql.exec('CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)')
        for (const ddl of schema.migrations.slice(0, 4)) sql.exec(ddl)
        sql.exec("INSERT INTO meta (k, v) VALUES ('schema', 4)")
        openStore(sql, schema)
        return { shape: shape(sql), version: sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'schema'").one().v }
      })
      expect(upgraded).toEqual({ shape: fresh, version: schema.migrations.length })
    })
  }
})
