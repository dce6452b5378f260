/** A failed query, rethrown with the statement attached (cloudflare/agents `SqlError`). */
export class SqlError extends Error {
  override readonly name = 'SqlError'
  constructor(
    readonly query: string,
    cause: unknown,
  ) {
    super(`${cause instanceof Error ? cause.message : String(cause)} — in: ${query.slice(0, 120)}`)
  }
}

/** The one SQL wrapper of the stores: every failure names its query. */
export type Exec = <T extends Record<string, SqlStorageValue>>(query: string, ...args: SqlStorageValue[]) => SqlStorageCursor<T>

/** A store's tables: `current` creates the latest schema at once; `migrations` bring an older one up to it. */
export interface StoreSchema {
  /** Numbered DDL, applied once each past the stored version; its length is the current version. */
  migrations: readonly string[]
  /** CREATE statements equal to replaying every migration (test/store-schema.test.ts holds them to it). */
  current: readonly string[]
}

/**
 * Binds `sql.exec` with error context and brings the store to the current schema, so a store's
 * constructor is one line. A new object (the usual case: one RunObject per run) gets the current
 * tables in one statement batch instead of replaying its history; an existing one costs one read.
 */
export function openStore(sql: SqlStorage, schema: StoreSchema): Exec {
  const exec: Exec = <T extends Record<string, SqlStorageValue>>(query: string, ...args: SqlStorageValue[]) => {
    try {
      return sql.exec<T>(query, ...args)
    } catch (err) {
      throw new SqlError(query, err)
    }
  }
  const latest = schema.migrations.length
  // A new object has no tables at all: asked of sqlite_master, not by a failing read (an exception costs).
  if (sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").toArray().length === 0) {
    exec([META, ...schema.current, `INSERT INTO meta (k, v) VALUES ('schema', ${latest})`].join(';\n'))
    return exec
  }
  const version = sql.exec<{ v: number }>("SELECT v FROM meta WHERE k = 'schema'").toArray()[0]?.v ?? 0
  for (const ddl of schema.migrations.slice(version)) exec(ddl)
  if (version < latest) exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('schema', ?)", latest)
  return exec
}

const META = 'CREATE TABLE meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)'

/** Test-only: a store as an object made before `current` existed would have it (meta, then every migration). */
export function replayMigrations(sql: SqlStorage, schema: StoreSchema): void {
  sql.exec(META)
  for (const ddl of schema.migrations) sql.exec(ddl)
}
