import type { ChatMessage, Checkpoint, ThreadMirror, ThreadStatus } from '../workers/runs/types'
import { type Exec, openStore, type StoreSchema } from './sql'

export const THREAD_SCHEMA: StoreSchema = {
  migrations: [
    `CREATE TABLE thread (id INTEGER PRIMARY KEY CHECK (id = 1), thread_id TEXT NOT NULL, status TEXT NOT NULL, active_run TEXT)`,
    `CREATE TABLE queue (pos INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE)`,
    `CREATE TABLE messages (idx INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, message TEXT NOT NULL)`,
    `CREATE TABLE checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, message_count INTEGER NOT NULL, created_at TEXT NOT NULL)`,
    `ALTER TABLE thread ADD COLUMN ephemeral INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE thread ADD COLUMN last_output TEXT`,
    `ALTER TABLE checkpoints ADD COLUMN uuid TEXT`,
    `ALTER TABLE thread ADD COLUMN mirror_version INTEGER NOT NULL DEFAULT 0`,
  ],
  current: [
    `CREATE TABLE thread (id INTEGER PRIMARY KEY CHECK (id = 1), thread_id TEXT NOT NULL, status TEXT NOT NULL, active_run TEXT, ephemeral INTEGER NOT NULL DEFAULT 0, last_output TEXT, mirror_version INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE queue (pos INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL UNIQUE)`,
    `CREATE TABLE messages (idx INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, message TEXT NOT NULL)`,
    `CREATE TABLE checkpoints (id INTEGER PRIMARY KEY AUTOINCREMENT, run_id TEXT NOT NULL, message_count INTEGER NOT NULL, created_at TEXT NOT NULL, uuid TEXT)`,
  ],
}

export interface ThreadRow {
  thread_id: string
  status: ThreadStatus
  active_run: string | null
  ephemeral: boolean
  last_output: string | null
  /** How many state changes the D1 row has been told of (or is being told of, by a run's final write). */
  mirror_version: number
}

/** All of ThreadObject's SQL. */
export class ThreadStore {
  readonly #exec: Exec
  /** The thread row, read on every call: kept in memory, and changed only by this store's writes below. */
  #row: Readonly<ThreadRow> | undefined

  constructor(sql: SqlStorage) {
    this.#exec = openStore(sql, THREAD_SCHEMA)
  }

  ensure(threadId: string): ThreadRow {
    const made = this.#exec("INSERT OR IGNORE INTO thread (id, thread_id, status) VALUES (1, ?, 'idle')", threadId).rowsWritten > 0
    // A thread made just now is known without reading it back, and its queue is empty.
    this.#row = made ? Object.freeze({ thread_id: threadId, status: 'idle', active_run: null, ephemeral: false, last_output: null, mirror_version: 0 }) : undefined
    if (made) this.#queueEmpty = true
    const row = this.get()
    if (!row) throw new Error('thread row missing')
    return row
  }

  /** True only when the queue is known to be empty (a new thread, or a shift that found nothing): shift() reads nothing then. */
  #queueEmpty = false

  get(): ThreadRow | undefined {
    this.#row ??= this.#exec<{ thread_id: string; status: string; active_run: string | null; ephemeral: number; last_output: string | null; mirror_version: number }>(
      'SELECT thread_id, status, active_run, ephemeral, last_output, mirror_version FROM thread WHERE id = 1',
    )
      .toArray()
      .map((r) =>
        Object.freeze({
          thread_id: r.thread_id,
          status: r.status as ThreadStatus,
          active_run: r.active_run,
          ephemeral: r.ephemeral === 1,
          last_output: r.last_output,
          mirror_version: r.mirror_version,
        }),
      )[0]
    return this.#row
  }

  /**
   * Sets status and active run. `mirror`: the state is also a new version for the D1 row, counted in the
   * same write, and returned for the caller to write there.
   */
  set(status: ThreadStatus, activeRun: string | null, mirror = false): ThreadMirror | undefined {
    const row = this.get()
    if (!row) return undefined
    const version = row.mirror_version + (mirror ? 1 : 0)
    this.#change({ status, active_run: activeRun, mirror_version: version }, () =>
      this.#exec('UPDATE thread SET status = ?, active_run = ?, mirror_version = ? WHERE id = 1', status, activeRun, version),
    )
    return mirror ? { thread_id: row.thread_id, status, last_output: row.last_output, version } : undefined
  }

  /** The state the D1 row should show now, as a new version of it. */
  nextMirror(): ThreadMirror | undefined {
    const row = this.get()
    return row && this.set(row.status, row.active_run, true)
  }

  /** The state the D1 row shows (or is about to), at its current version: for a write repeated after a failure. */
  mirror(): ThreadMirror | undefined {
    const row = this.get()
    return row && { thread_id: row.thread_id, status: row.status, last_output: row.last_output, version: row.mirror_version }
  }

  /** Runs a write of the thread row and mirrors it in the cached row (dropped if the write fails). */
  #change(fields: Partial<ThreadRow>, write: () => void): void {
    const row = this.#row
    this.#row = undefined
    write()
    if (row) this.#row = Object.freeze({ ...row, ...fields })
  }

  enqueue(runId: string): number {
    this.#queueEmpty = false
    this.#exec('INSERT OR IGNORE INTO queue (run_id) VALUES (?)', runId)
    return this.#exec<{ n: number }>('SELECT count(*) AS n FROM queue').one().n
  }

  /** Removes and returns the oldest queued run. */
  shift(): string | undefined {
    if (this.#queueEmpty) return undefined
    const row = this.#exec<{ pos: number; run_id: string }>('DELETE FROM queue WHERE pos = (SELECT min(pos) FROM queue) RETURNING run_id').toArray()[0]
    if (!row) this.#queueEmpty = true
    return row?.run_id
  }

  dequeue(runId: string): void {
    this.#exec('DELETE FROM queue WHERE run_id = ?', runId)
  }

  queued(): string[] {
    return this.#exec<{ run_id: string }>('SELECT run_id FROM queue ORDER BY pos')
      .toArray()
      .map((r) => r.run_id)
  }

  /** A successful run's messages join the history, and the new state is a checkpoint. */
  commit(runId: string, messages: ChatMessage[], output: string | null): void {
    this.#insertMessages(runId, messages)
    this.#change({ last_output: output }, () => this.#exec('UPDATE thread SET last_output = ? WHERE id = 1', output))
    this.#checkpoint(runId)
  }

  /** Replaces the conversation (a PATCH of the thread state), as a new checkpoint. */
  replaceMessages(messages: ChatMessage[], label: string): void {
    this.#exec('DELETE FROM messages')
    this.#insertMessages(label, messages)
    this.#checkpoint(label)
  }

  /** One statement for any number of messages, in order (json_each yields them so). */
  #insertMessages(runId: string, messages: ChatMessage[]): void {
    if (messages.length === 0) return
    this.#exec('INSERT INTO messages (run_id, message) SELECT ?, m.value ->> 0 FROM json_each(?) m', runId, JSON.stringify(messages.map((m) => [JSON.stringify(m)])))
  }

  /** Newest first; `before` is a checkpoint id (unknown: nothing). Each carries the conversation as it was then. */
  checkpoints(limit: number, before?: string): Checkpoint[] {
    const cursor = before === undefined ? Number.MAX_SAFE_INTEGER : (this.#exec<{ id: number }>('SELECT id FROM checkpoints WHERE uuid = ?', before).toArray()[0]?.id ?? 0)
    const rows = this.#exec<{ id: number; uuid: string; run_id: string; message_count: number; created_at: string }>(
      'SELECT id, uuid, run_id, message_count, created_at FROM checkpoints WHERE id < ? ORDER BY id DESC LIMIT ?',
      cursor,
      limit,
    ).toArray()
    const all = this.messages()
    return rows.map((r) => ({ checkpoint_id: r.uuid, run_id: r.run_id, created_at: r.created_at, messages: all.slice(0, r.message_count) }))
  }

  #checkpoint(runId: string): void {
    this.#exec('INSERT INTO checkpoints (uuid, run_id, message_count, created_at) SELECT ?, ?, count(*), ? FROM messages', crypto.randomUUID(), runId, new Date().toISOString())
  }

  messages(): ChatMessage[] {
    return this.#exec<{ message: string }>('SELECT message FROM messages ORDER BY idx')
      .toArray()
      .map((r) => JSON.parse(r.message) as ChatMessage)
  }
}
