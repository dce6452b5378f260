import type { ChatMessage, EventType, JsonObject, PendingInterrupt, RunError, RunEvent, RunSpec, RunStatus, StoredEvent, Usage } from '../workers/runs/types'
import { type Exec, openStore, type StoreSchema } from './sql'

const RUN_COLUMNS = `id INTEGER PRIMARY KEY CHECK (id = 1),
     spec TEXT NOT NULL,
     status TEXT NOT NULL,
     output TEXT,
     error TEXT,
     interrupt TEXT,
     lease_owner TEXT,
     lease_expires_ms INTEGER NOT NULL DEFAULT 0,
     attempt INTEGER NOT NULL DEFAULT 0,
     created_at TEXT NOT NULL,
     started_at TEXT,
     started_ms INTEGER,
     ended_at TEXT,
     ttft_ms INTEGER,
     deadline_ms INTEGER NOT NULL,
     prompt_tokens INTEGER NOT NULL DEFAULT 0,
     completion_tokens INTEGER NOT NULL DEFAULT 0,
     wakes INTEGER NOT NULL DEFAULT 0,
     queued_ms INTEGER NOT NULL DEFAULT 0,
     d1_writes INTEGER NOT NULL DEFAULT 0,
     outbox TEXT NOT NULL DEFAULT '[]'`
const EVENTS = `CREATE TABLE events (
     seq INTEGER PRIMARY KEY,
     key TEXT UNIQUE,
     type TEXT NOT NULL,
     data TEXT NOT NULL,
     created_at TEXT NOT NULL
   )`
const CHECKPOINT = `CREATE TABLE checkpoint (id INTEGER PRIMARY KEY CHECK (id = 1), step INTEGER NOT NULL, messages TEXT NOT NULL)`
const TOOL_RESULTS = `CREATE TABLE tool_results (tool_call_id TEXT PRIMARY KEY, result TEXT NOT NULL)`

export const RUN_SCHEMA: StoreSchema = {
  migrations: [
    `CREATE TABLE run (${RUN_COLUMNS})`,
    EVENTS,
    CHECKPOINT,
    TOOL_RESULTS,
    `ALTER TABLE run ADD COLUMN start_at_ms INTEGER NOT NULL DEFAULT 0`,
    `ALTER TABLE run ADD COLUMN webhook_attempts INTEGER NOT NULL DEFAULT 0`, // unused: run webhooks go through the webhook queue
    // Consecutive transient model failures of the current step; a checkpoint (step done) resets it.
    `ALTER TABLE run ADD COLUMN step_failures INTEGER NOT NULL DEFAULT 0`,
  ],
  current: [
    `CREATE TABLE run (${RUN_COLUMNS},
     start_at_ms INTEGER NOT NULL DEFAULT 0,
     webhook_attempts INTEGER NOT NULL DEFAULT 0,
     step_failures INTEGER NOT NULL DEFAULT 0)`,
    EVENTS,
    CHECKPOINT,
    TOOL_RESULTS,
  ],
}

/** Work owed to the outside world after a state change, retried by the alarm until done. */
export type OutboxItem = 'd1' | 'thread' | 'enqueue' | 'webhook' | 'notify'

export interface RunRow {
  spec: RunSpec
  status: RunStatus
  output: string | null
  error: RunError | null
  interrupt: PendingInterrupt | null
  lease_owner: string | null
  lease_expires_ms: number
  attempt: number
  created_at: string
  started_at: string | null
  started_ms: number | null
  ended_at: string | null
  ttft_ms: number | null
  deadline_ms: number
  usage: Usage
  wakes: number
  /** When the run was last sent to the queue (0: held, e.g. waiting for its thread). */
  queued_ms: number
  /** Not before this time (after_seconds), also for runs held until their thread admits them. */
  start_at_ms: number
  step_failures: number
  d1_writes: number
  outbox: OutboxItem[]
}

interface RawRun {
  [k: string]: SqlStorageValue
}

const json = <T>(v: SqlStorageValue): T => JSON.parse(String(v)) as T
const jsonOrNull = <T>(v: SqlStorageValue): T | null => (v === null ? null : json<T>(v))

export class RunStore {
  readonly #exec: Exec
  /**
   * The run row as stored, read by nearly every call of the RunObject: kept in memory. Only this
   * store's own statements on the `run` table change it: update() patches it with the values it
   * wrote (what SQLite stores), the others drop it. A store made after deleteAll starts empty.
   */
  #raw: RawRun | undefined
  /** #raw parsed, frozen so no caller can change the shared copy; rebuilt after each write. */
  #row: RunRow | undefined
  /** The spec never changes after init: parsed once. */
  #spec: RunSpec | undefined

  constructor(sql: SqlStorage) {
    this.#exec = openStore(sql, RUN_SCHEMA)
  }

  /** Runs a statement on the run row, then gives the cached row the same change (`patch`); a failed one leaves it dropped. */
  #write(query: string, params: SqlStorageValue[], patch: (raw: RawRun) => RawRun): void {
    const raw = this.#raw
    this.#drop()
    this.#exec(query, ...params)
    if (raw) this.#raw = patch(raw)
  }

  /** The run row changed in a way not mirrored in memory: read it again next time. */
  #drop(): void {
    this.#raw = undefined
    this.#row = undefined
  }

  init(spec: RunSpec, createdAt: string, fields: { deadline_ms: number; start_at_ms: number; queued_ms: number; outbox: OutboxItem[] }): boolean {
    const cursor = this.#exec(
      `INSERT OR IGNORE INTO run (id, spec, status, created_at, deadline_ms, start_at_ms, queued_ms, outbox) VALUES (1, ?, 'pending', ?, ?, ?, ?, ?)`,
      JSON.stringify(spec),
      createdAt,
      fields.deadline_ms,
      fields.start_at_ms,
      fields.queued_ms,
      JSON.stringify(fields.outbox),
    )
    this.#drop()
    return cursor.rowsWritten > 0
  }

  get(): RunRow | undefined {
    if (this.#row) return this.#row
    if (!this.#raw) this.#raw = this.#exec<RawRun>('SELECT * FROM run WHERE id = 1').toArray()[0]
    if (!this.#raw) return undefined
    this.#row = deepFreeze(this.#parse(this.#raw))
    return this.#row
  }

  #parse(r: RawRun): RunRow {
    this.#spec ??= deepFreeze(json<RunSpec>(r.spec ?? null))
    return {
      spec: this.#spec,
      status: String(r.status) as RunStatus,
      output: r.output === null ? null : String(r.output),
      error: jsonOrNull(r.error ?? null),
      interrupt: jsonOrNull(r.interrupt ?? null),
      lease_owner: r.lease_owner === null ? null : String(r.lease_owner),
      lease_expires_ms: Number(r.lease_expires_ms),
      attempt: Number(r.attempt),
      created_at: String(r.created_at),
      started_at: r.started_at === null ? null : String(r.started_at),
      started_ms: r.started_ms === null ? null : Number(r.started_ms),
      ended_at: r.ended_at === null ? null : String(r.ended_at),
      ttft_ms: r.ttft_ms === null ? null : Number(r.ttft_ms),
      deadline_ms: Number(r.deadline_ms),
      usage: {
        prompt_tokens: Number(r.prompt_tokens),
        completion_tokens: Number(r.completion_tokens),
        total_tokens: Number(r.prompt_tokens) + Number(r.completion_tokens),
      },
      wakes: Number(r.wakes),
      queued_ms: Number(r.queued_ms),
      start_at_ms: Number(r.start_at_ms),
      step_failures: Number(r.step_failures),
      d1_writes: Number(r.d1_writes),
      outbox: json<OutboxItem[]>(r.outbox ?? '[]'),
    }
  }

  /** Partial update of the run row; keys are column names. */
  update(
    fields: Partial<
      Record<
        | 'status'
        | 'output'
        | 'error'
        | 'interrupt'
        | 'lease_owner'
        | 'lease_expires_ms'
        | 'attempt'
        | 'started_at'
        | 'started_ms'
        | 'ended_at'
        | 'ttft_ms'
        | 'wakes'
        | 'queued_ms'
        | 'deadline_ms'
        | 'start_at_ms'
        | 'step_failures'
        | 'outbox',
        SqlStorageValue
      >
    >,
  ): void {
    const keys = Object.keys(fields) as (keyof typeof fields)[]
    if (keys.length === 0) return
    const values = keys.map((k) => fields[k] ?? null)
    this.#write(`UPDATE run SET ${keys.map((k) => `${k} = ?`).join(', ')} WHERE id = 1`, values, (raw) => ({ ...raw, ...Object.fromEntries(keys.map((k, i) => [k, values[i] ?? null])) }))
  }

  addUsage(usage: Usage): void {
    const { prompt_tokens, completion_tokens } = usage
    this.#write('UPDATE run SET prompt_tokens = prompt_tokens + ?, completion_tokens = completion_tokens + ? WHERE id = 1', [prompt_tokens, completion_tokens], (raw) => ({
      ...raw,
      prompt_tokens: Number(raw.prompt_tokens) + prompt_tokens,
      completion_tokens: Number(raw.completion_tokens) + completion_tokens,
    }))
  }

  countD1Write(): void {
    this.#write('UPDATE run SET d1_writes = d1_writes + 1 WHERE id = 1', [], (raw) => ({ ...raw, d1_writes: Number(raw.d1_writes) + 1 }))
  }

  /** Inserts the event unless its key exists; returns it with its seq, or null for a duplicate. */
  append(event: RunEvent, createdAt: string): StoredEvent | null {
    const row = this.#exec<{ seq: number }>(
      'INSERT INTO events (key, type, data, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO NOTHING RETURNING seq',
      event.key ?? null,
      event.type,
      JSON.stringify(event.data),
      createdAt,
    ).toArray()[0]
    if (row && this.#lastSeq !== undefined) this.#lastSeq = Math.max(this.#lastSeq, row.seq)
    return row ? { seq: row.seq, type: event.type, data: event.data, created_at: createdAt } : null
  }

  eventsAfter(seq: number, limit: number): StoredEvent[] {
    return this.#exec<{ seq: number; type: string; data: string; created_at: string }>('SELECT seq, type, data, created_at FROM events WHERE seq > ? ORDER BY seq LIMIT ?', seq, limit)
      .toArray()
      .map((r) => ({ seq: r.seq, type: r.type as EventType, data: JSON.parse(r.data) as JsonObject, created_at: r.created_at }))
  }

  /** A page of events of the given types, with their total (run logs). */
  eventsOfTypes(types: readonly EventType[], skip: number, limit: number, newestFirst: boolean): { items: StoredEvent[]; total: number } {
    const marks = types.map(() => '?').join(', ')
    const rows = this.#exec<{ seq: number; type: string; data: string; created_at: string }>(
      `SELECT seq, type, data, created_at FROM events WHERE type IN (${marks}) ORDER BY seq ${newestFirst ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`,
      ...types,
      limit,
      skip,
    ).toArray()
    const total = this.#exec<{ n: number }>(`SELECT count(*) AS n FROM events WHERE type IN (${marks})`, ...types).one().n
    return { items: rows.map((r) => ({ seq: r.seq, type: r.type as EventType, data: JSON.parse(r.data) as JsonObject, created_at: r.created_at })), total }
  }

  /** Kept in memory once read: only append() adds events. */
  #lastSeq: number | undefined

  lastSeq(): number {
    this.#lastSeq ??= this.#exec<{ s: number | null }>('SELECT max(seq) AS s FROM events').one().s ?? 0
    return this.#lastSeq
  }

  countEvents(type: EventType): number {
    return this.#exec<{ n: number }>('SELECT count(*) AS n FROM events WHERE type = ?', type).one().n
  }

  saveCheckpoint(step: number, messages: ChatMessage[]): void {
    this.#exec('INSERT OR REPLACE INTO checkpoint (id, step, messages) VALUES (1, ?, ?)', step, JSON.stringify(messages))
  }

  checkpoint(): { step: number; messages: ChatMessage[] } | undefined {
    const r = this.#exec<{ step: number; messages: string }>('SELECT step, messages FROM checkpoint WHERE id = 1').toArray()[0]
    return r ? { step: r.step, messages: JSON.parse(r.messages) as ChatMessage[] } : undefined
  }

  saveToolResult(toolCallId: string, result: string): void {
    this.#exec('INSERT OR IGNORE INTO tool_results (tool_call_id, result) VALUES (?, ?)', toolCallId, result)
  }

  toolResults(): Record<string, string> {
    const rows = this.#exec<{ tool_call_id: string; result: string }>('SELECT tool_call_id, result FROM tool_results').toArray()
    return Object.fromEntries(rows.map((r) => [r.tool_call_id, r.result]))
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}
