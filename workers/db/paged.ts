import { count, type SQL } from 'drizzle-orm'
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core'
import type { Db } from '../app-env'

export interface Page<T> {
  items: T[]
  total: number
}

/** One page of a table's rows and the total under the same filter, in one D1 round trip. */
export async function paged<T extends SQLiteTable>(db: Db, table: T, where: SQL | undefined, order: (SQL | SQLiteColumn)[], limit: number, offset: number): Promise<Page<T['$inferSelect']>> {
  const [items, [total]] = await db.batch([
    db
      .select()
      .from(table as SQLiteTable)
      .where(where)
      .orderBy(...order)
      .limit(limit)
      .offset(offset),
    db
      .select({ n: count() })
      .from(table as SQLiteTable)
      .where(where),
  ])
  return { items: items as T['$inferSelect'][], total: total?.n ?? 0 }
}
