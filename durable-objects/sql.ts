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

/**
 * Binds `sql.exec` with error context and applies `migrations` (a numbered DDL list) past the
 * stored schema version, so a store's constructor is one line.
 */
export function openStore(sql: SqlStorage, migrations: readonly string[]): Exec {
  const exec: Exec = <T extends Record<string, SqlStorageValue>>(query: string, ...args: SqlStorageValue[]) => {
    try {
      return sql.exec<T>(query, ...args)
    } catch (err) {
      throw new SqlError(query, err)
    }
  }
  exec('CREATE TABLE IF NOT EXISTS meta (k TEXT PRIMARY KEY, v INTEGER NOT NULL)')
  const version = exec<{ v: number }>("SELECT v FROM meta WHERE k = 'schema'").toArray()[0]?.v ?? 0
  for (const ddl of migrations.slice(version)) exec(ddl)
  if (version < migrations.length) exec("INSERT OR REPLACE INTO meta (k, v) VALUES ('schema', ?)", migrations.length)
  return exec
}
