import { drizzle } from 'drizzle-orm/d1'
import type { Db } from '../app-env'
import * as schema from './schema'

/** One drizzle instance per request: it is a thin wrapper, the binding holds the connection. */
export const createDb = (d1: D1Database): Db => drizzle(d1, { schema })
