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

/** The run row's columns a RunObject changes after init: flush() writes them all in one statement shape. */
const MUTABLE = [
  'status',
  'output',
  'error',
  'interrupt',
  'lease_owner',
  'lease_expires_ms',
  'attempt',
  'started_at',
  'started_ms',
  'ended_at',
  'ttft_ms',
  'deadline_ms',
  'prompt_tokens',
  'completion_tokens',
  'wakes',
  'queued_ms',
  'd1_writes',
  'outbox',
  'start_at_ms',
  'step_failures',
] as const
type Mutable = (typeof MUTABLE)[number]
const FLUSH = `UPDATE run SET ${MUTABLE.map((k) => `${k} = ?`).join(', ')} WHERE id = 1`

export class RunStore {
  readonly #exec: Exec
  /**
   * The run row as stored, read by nearly every call of the RunObject: kept in memory. Only this
   * store changes the `run` table: init() puts the whole row here, update() changes it here and
   * marks it dirty, flush() writes it back. A store made after deleteAll starts empty.
   */
  #raw: RawRun | undefined
  /** #raw parsed, frozen so no caller can change the shared copy; rebuilt after each change. */
  #row: RunRow | undefined
  /** The spec never changes after init: parsed once. */
  #spec: RunSpec | undefined
  /**
   * #raw has changes not yet written. A call's changes go out as one UPDATE (one statement shape, so
   * a new object prepares it once) when the RunObject flushes, before it awaits or returns; a
   * microtask flushes whatever a path forgot, still inside the same implicit transaction.
   */
  #dirty = false

  constructor(sql: SqlStorage) {
    this.#exec = openStore(sql, RUN_SCHEMA)
  }

  /** Changes the cached row and marks it for the next flush. */
  #change(patch: (raw: RawRun) => RawRun): void {
    const raw = this.#raw ?? this.#read()
    if (!raw) throw new Error('run row missing: update before init')
    this.#raw = patch(raw)
    this.#row = undefined
    if (this.#dirty) return
    this.#dirty = true
    queueMicrotask(() => {
      try {
        this.flush()
      } catch (err) {
        console.error(`run store: late flush failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    })
  }

  /** Writes the row's pending changes, if any. A failed write drops the cache: storage stays the truth. */
  flush(): void {
    if (!this.#dirty) return
    this.#dirty = false
    const raw = this.#raw
    if (!raw) return
    try {
      this.#exec(FLUSH, ...MUTABLE.map((k) => raw[k] ?? null))
    } catch (err) {
      this.#raw = undefined
      this.#row = undefined
      throw err
    }
  }

  #read(): RawRun | undefined {
    this.#raw = this.#exec<RawRun>('SELECT * FROM run WHERE id = 1').toArray()[0]
    return this.#raw
  }

  init(spec: RunSpec, createdAt: string, fields: { deadline_ms: number; start_at_ms: number; queued_ms: number; outbox: OutboxItem[] }): boolean {
    // The whole row, as SQLite will hold it: the insert writes every column, and the cache starts
    // from the same values, so the next call reads nothing back.
    const raw: RawRun = {
      id: 1,
      spec: JSON.stringify(spec),
      status: 'pending',
      output: null,
      error: null,
      interrupt: null,
      lease_owner: null,
      lease_expires_ms: 0,
      attempt: 0,
      created_at: createdAt,
      started_at: null,
      started_ms: null,
      ended_at: null,
      ttft_ms: null,
      deadline_ms: fields.deadline_ms,
      prompt_tokens: 0,
      completion_tokens: 0,
      wakes: 0,
      queued_ms: fields.queued_ms,
      d1_writes: 0,
      outbox: JSON.stringify(fields.outbox),
      start_at_ms: fields.start_at_ms,
      webhook_attempts: 0,
      step_failures: 0,
    }
    const columns = Object.keys(raw)
    const cursor = this.#exec(`INSERT OR IGNORE INTO run (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`, ...Object.values(raw))
    const inserted = cursor.rowsWritten > 0
    this.#raw = inserted ? raw : undefined
    this.#row = undefined
    // A run row is only ever inserted into an empty store: no events yet.
    if (inserted) this.#lastSeq = 0
    return inserted
  }

  get(): RunRow | undefined {
    if (this.#row) return this.#row
    const raw = this.#raw ?? this.#read()
    if (!raw) return undefined
    this.#row = deepFreeze(this.#parse(raw))
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

  /** Partial update of the run row; keys are column names. Written at the next flush. */
  update(fields: Partial<Record<Exclude<Mutable, 'prompt_tokens' | 'completion_tokens' | 'd1_writes'>, SqlStorageValue>>): void {
    const entries = Object.entries(fields).map(([k, v]) => [k, v ?? null] as const)
    if (entries.length === 0) return
    this.#change((raw) => ({ ...raw, ...Object.fromEntries(entries) }))
  }

  addUsage(usage: Usage): void {
    const { prompt_tokens, completion_tokens } = usage
    this.#change((raw) => ({
      ...raw,
      prompt_tokens: Number(raw.prompt_tokens) + prompt_tokens,
      completion_tokens: Number(raw.completion_tokens) + completion_tokens,
    }))
  }

  countD1Write(): void {
    this.#change((raw) => ({ ...raw, d1_writes: Number(raw.d1_writes) + 1 }))
  }

  /**
   * Inserts the events, in order, but those whose key exists (or repeats in the batch); returns the
   * inserted ones with their seq. One statement of one shape for any number of events (a new object
   * prepares it once): the batch travels as a JSON array, each event's data as the exact text
   * JSON.stringify made, and json_each yields them in order, so seqs ascend in the batch's order.
   */
  append(events: readonly RunEvent[], createdAt: string): StoredEvent[] {
    if (events.length === 0) return []
    const rows = this.#exec<{ seq: number; key: string | null }>(
      // WHERE true: SQLite's parser needs it between INSERT … SELECT and ON CONFLICT.
      `INSERT INTO events (key, type, data, created_at) SELECT e.value ->> 0, e.value ->> 1, e.value ->> 2, ? FROM json_each(?) e WHERE true ON CONFLICT (key) DO NOTHING RETURNING seq, key`,
      createdAt,
      JSON.stringify(events.map((e) => [e.key ?? null, e.type, JSON.stringify(e.data)])),
    )
      .toArray()
      .sort((a, b) => a.seq - b.seq)
    const inserted = new Set(rows.map((r) => r.key))
    const stored: StoredEvent[] = []
    for (const event of events) {
      // A keyed event was inserted when its key came back (the first of a repeated key only).
      if (event.key != null && !inserted.delete(event.key)) continue
      const row = rows[stored.length]
      if (!row) break
      stored.push({ seq: row.seq, type: event.type, data: event.data, created_at: createdAt })
    }
    const last = stored.at(-1)
    if (last && this.#lastSeq !== undefined) this.#lastSeq = Math.max(this.#lastSeq, last.seq)
    return stored
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
    this.#checkpoint = { step, messages }
  }

  /** The last checkpoint saved or read: only saveCheckpoint changes it (the thread reads it as the run ends). */
  #checkpoint: { step: number; messages: ChatMessage[] } | undefined

  checkpoint(): { step: number; messages: ChatMessage[] } | undefined {
    if (this.#checkpoint) return this.#checkpoint
    const r = this.#exec<{ step: number; messages: string }>('SELECT step, messages FROM checkpoint WHERE id = 1').toArray()[0]
    this.#checkpoint = r ? { step: r.step, messages: JSON.parse(r.messages) as ChatMessage[] } : undefined
    return this.#checkpoint
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
