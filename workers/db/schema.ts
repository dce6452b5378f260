import type { JsonObject } from '../runs/types'
import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'

/** ISO-8601 UTC text: sorts lexically, reads directly in every dialect's JSON. */
const timestamp = (name: string) => text(name)
const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`

// Integer ids: the Codegen dialect addresses organizations and users by integer.
export const organizations = sqliteTable('organizations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull(),
  /** Overrides RATE_LIMIT_ORG_PER_MINUTE for this org. */
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  /** USD per calendar month (UTC); null: unlimited. */
  monthlyBudgetUsd: real('monthly_budget_usd'),
  /** Finished runs and their events are deleted after this many days. */
  retentionDays: integer('retention_days').notNull().default(30),
  /** Per-org OpenAI-compatible endpoint for `openai/*` models; overrides OPENAI_BASE_URL / OPENAI_API_KEY. */
  openaiBaseUrl: text('openai_base_url'),
  /** AES-GCM sealed (workers/lib/crypto.ts); never returned. */
  openaiApiKeyCiphertext: text('openai_api_key_ciphertext'),
  createdAt: timestamp('created_at').notNull().default(now),
})

export const users = sqliteTable('users', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  email: text('email').notNull().unique(),
  name: text('name'),
  createdAt: timestamp('created_at').notNull().default(now),
})

export const memberships = sqliteTable(
  'memberships',
  {
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    userId: integer('user_id')
      .notNull()
      .references(() => users.id),
    role: text('role', { enum: ['owner', 'member'] })
      .notNull()
      .default('member'),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userId] }), index('memberships_user_idx').on(t.userId)],
)

/** Only the SHA-256 of a key is stored; the key itself is shown once at creation. */
export const apiKeys = sqliteTable('api_keys', {
  id: text('id').primaryKey(),
  userId: integer('user_id')
    .notNull()
    .references(() => users.id),
  name: text('name').notNull(),
  keyHash: text('key_hash').notNull().unique(),
  prefix: text('prefix').notNull(),
  /** Overrides RATE_LIMIT_KEY_PER_MINUTE for this key. */
  rateLimitPerMinute: integer('rate_limit_per_minute'),
  createdAt: timestamp('created_at').notNull().default(now),
  revokedAt: timestamp('revoked_at'),
})

export const agents = sqliteTable(
  'agents',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind', { enum: ['system', 'custom'] }).notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    systemPrompt: text('system_prompt'),
    avatarUrl: text('avatar_url'),
    model: text('model').notNull(),
    isEnabled: integer('is_enabled', { mode: 'boolean' }).notNull().default(true),
    connectors: text('connectors', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    version: integer('version').notNull().default(1),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at').notNull().default(now),
    updatedAt: timestamp('updated_at').notNull().default(now),
    deletedAt: timestamp('deleted_at'),
  },
  (t) => [
    // Soft-deleted agents free their code for reuse; old runs still point at the row.
    uniqueIndex('agents_org_code_live_idx').on(t.orgId, t.code).where(sql`deleted_at IS NULL`),
    uniqueIndex('agents_org_system_idx').on(t.orgId).where(sql`kind = 'system'`),
    index('agents_org_list_idx').on(t.orgId, t.deletedAt, t.createdAt),
  ],
)

/** Immutable snapshot per version: a run pins (agent_id, version) and reads its profile here. */
export const agentVersions = sqliteTable(
  'agent_versions',
  {
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    version: integer('version').notNull(),
    name: text('name').notNull(),
    systemPrompt: text('system_prompt'),
    model: text('model').notNull(),
    connectors: text('connectors', { mode: 'json' }).$type<string[]>().notNull(),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.version] })],
)

/** The secret is AES-GCM ciphertext bound to the row (see workers/lib/crypto.ts); never selected for responses. */
export const credentials = sqliteTable(
  'credentials',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    serviceName: text('service_name').notNull(),
    instanceId: text('instance_id').notNull(),
    accountLabel: text('account_label'),
    secretCiphertext: text('secret_ciphertext').notNull(),
    /** Overrides the service's base URL (self-hosted GitLab, generic http; loopback fakes in tests). */
    baseUrl: text('base_url'),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at').notNull().default(now),
    /** Set by the connector executor, at most once a minute per credential per isolate. */
    lastUsedAt: timestamp('last_used_at'),
  },
  (t) => [uniqueIndex('credentials_org_instance_idx').on(t.orgId, t.serviceName, t.instanceId)],
)

export const grants = sqliteTable(
  'grants',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id),
    scopeRead: integer('scope_read', { mode: 'boolean' }).notNull(),
    scopeWrite: integer('scope_write', { mode: 'boolean' }).notNull(),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('grants_agent_credential_idx').on(t.agentId, t.credentialId), index('grants_credential_idx').on(t.credentialId)],
)

/** A session (Agents API) or thread (ACP): its state lives in ThreadObject, ownership here. */
export const threads = sqliteTable(
  'threads',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    agentId: text('agent_id').references(() => agents.id),
    createdBy: integer('created_by').references(() => users.id),
    metadata: text('metadata', { mode: 'json' }).$type<JsonObject>(),
    /** Mirrors of ThreadObject's state, written once per change, so threads can be searched. */
    status: text('status', { enum: ['idle', 'busy', 'interrupted', 'error'] })
      .notNull()
      .default('idle'),
    values: text('values', { mode: 'json' }).$type<JsonObject>(),
    createdAt: timestamp('created_at').notNull().default(now),
    updatedAt: timestamp('updated_at').notNull().default(now),
    /**
     * ThreadObject's count of its state changes: a mirror write lands only when newer than the row,
     * so the one a run's final D1 batch carries can never overwrite a later one the thread wrote.
     */
    mirrorVersion: integer('mirror_version').notNull().default(0),
  },
  (t) => [index('threads_org_idx').on(t.orgId, t.createdAt)],
)

/**
 * One row per run, written once per state change by RunObject (never per token).
 * `number` is the integer id the Codegen dialect shows; `id` is the uuid everything else uses.
 */
export const runs = sqliteTable(
  'runs',
  {
    number: integer('number').primaryKey({ autoIncrement: true }),
    id: text('id').notNull().unique(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    agentVersion: integer('agent_version').notNull(),
    threadId: text('thread_id'),
    channel: text('channel').notNull(),
    /** A short title (the input's first line): the AgentInstance `name`, searchable. */
    name: text('name').notNull().default(''),
    status: text('status').notNull(),
    model: text('model').notNull(),
    input: text('input').notNull(),
    output: text('output'),
    errorCode: text('error_code'),
    errorMessage: text('error_message'),
    createdBy: integer('created_by').references(() => users.id),
    userIdentifier: text('user_identifier'),
    groupIdentifier: text('group_identifier'),
    ipAddress: text('ip_address'),
    userAgent: text('user_agent'),
    metadata: text('metadata', { mode: 'json' }).$type<JsonObject>(),
    /** The schedule that started this run (channel `cron`). */
    scheduleId: text('schedule_id'),
    /** The creating request as the dialect received it (ACP echoes it as `creation`). */
    creation: text('creation', { mode: 'json' }).$type<JsonObject>(),
    /** An ACP stateless run: its thread is its own, created and hidden with it. */
    stateless: integer('stateless', { mode: 'boolean' }).notNull().default(false),
    createdAt: timestamp('created_at').notNull().default(now),
    startedAt: timestamp('started_at'),
    endedAt: timestamp('ended_at'),
    timeToFirstTokenMs: integer('time_to_first_token_ms'),
    promptTokens: integer('prompt_tokens').notNull().default(0),
    completionTokens: integer('completion_tokens').notNull().default(0),
    totalTokens: integer('total_tokens').notNull().default(0),
    costPrompt: real('cost_prompt').notNull().default(0),
    costCompletion: real('cost_completion').notNull().default(0),
    costServices: real('cost_services').notNull().default(0),
    costTotal: real('cost_total').notNull().default(0),
    currency: text('currency').notNull().default('USD'),
    /**
     * The RunObject's last event seq when it wrote this row: a write lands only when newer, so one
     * that arrives late (two state changes' writes in flight at once) never undoes a newer state.
     */
    syncedSeq: integer('synced_seq').notNull().default(0),
  },
  (t) => [
    index('runs_org_created_idx').on(t.orgId, t.createdAt),
    index('runs_agent_created_idx').on(t.agentId, t.createdAt),
    index('runs_agent_version_created_idx').on(t.agentId, t.agentVersion, t.createdAt),
    index('runs_agent_user_created_idx').on(t.agentId, t.userIdentifier, t.createdAt),
    index('runs_agent_group_created_idx').on(t.agentId, t.groupIdentifier, t.createdAt),
    index('runs_thread_created_idx').on(t.threadId, t.createdAt),
    index('runs_status_idx').on(t.status, t.createdAt),
    index('runs_schedule_idx').on(t.scheduleId, t.createdAt),
    index('runs_ended_idx').on(t.endedAt),
  ],
)

/**
 * Each org's spend per calendar month (UTC, `YYYY-MM` of the run's created_at), kept by triggers on
 * runs (migration 0011): the budget check at every run creation reads one row instead of summing the
 * month's runs, which grows with them.
 */
export const orgMonthSpend = sqliteTable(
  'org_month_spend',
  {
    orgId: integer('org_id').notNull(),
    month: text('month').notNull(),
    costTotal: real('cost_total').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.month] })],
)

/**
 * Runs per agent version, kept exact by triggers on `runs` (insert +1, delete -1; migration 0009), so
 * an AgentInstance page's `total` reads one row instead of counting an agent's 100k runs.
 */
export const agentRunCounts = sqliteTable(
  'agent_run_counts',
  {
    agentId: text('agent_id').notNull(),
    agentVersion: integer('agent_version').notNull(),
    runs: integer('runs').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.agentId, t.agentVersion] })],
)

/** Per-user long-term memory (read_memory / manage_memory): markdown files by path. */
export const memoryFiles = sqliteTable(
  'memory_files',
  {
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    userKey: text('user_key').notNull(),
    path: text('path').notNull(),
    content: text('content').notNull(),
    updatedAt: timestamp('updated_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.userKey, t.path] })],
)

/** A task that runs an agent on a 5-field cron in an IANA time zone (seed 003's tasks). */
export const schedules = sqliteTable(
  'schedules',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    agentId: text('agent_id')
      .notNull()
      .references(() => agents.id),
    parentId: text('parent_id'),
    name: text('name').notNull(),
    input: text('input').notNull(),
    cron: text('cron').notNull(),
    timezone: text('timezone').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    nextRunAt: timestamp('next_run_at'),
    lastRunAt: timestamp('last_run_at'),
    lastRunId: text('last_run_id'),
    lastStatus: text('last_status'),
    /** task_runtime save_state / load_state. */
    state: text('state', { mode: 'json' }).$type<unknown>(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at').notNull().default(now),
    updatedAt: timestamp('updated_at').notNull().default(now),
  },
  (t) => [index('schedules_due_idx').on(t.enabled, t.nextRunAt), index('schedules_org_idx').on(t.orgId, t.createdAt)],
)

/** One row per (schedule, slot) ever started: a doubled or late tick cannot start a slot twice. */
export const scheduleSlots = sqliteTable(
  'schedule_slots',
  {
    scheduleId: text('schedule_id').notNull(),
    slot: timestamp('slot').notNull(),
    runId: text('run_id'),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.scheduleId, t.slot] })],
)

export const WEBHOOK_EVENTS = ['run.succeeded', 'run.failed', 'run.interrupted', 'run.cancelled'] as const

export const webhookEndpoints = sqliteTable(
  'webhook_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    url: text('url').notNull(),
    /** AES-GCM sealed signing secret (workers/lib/crypto.ts): needed in clear to sign, so not hashed. */
    secretCiphertext: text('secret_ciphertext').notNull(),
    eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [index('webhook_endpoints_org_idx').on(t.orgId)],
)

export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    endpointId: text('endpoint_id').notNull(),
    orgId: integer('org_id').notNull(),
    eventType: text('event_type').notNull(),
    runId: text('run_id').notNull(),
    payload: text('payload').notNull(),
    status: text('status', { enum: ['pending', 'delivered', 'failed'] })
      .notNull()
      .default('pending'),
    attempts: integer('attempts').notNull().default(0),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at').notNull().default(now),
    deliveredAt: timestamp('delivered_at'),
  },
  (t) => [uniqueIndex('webhook_deliveries_once_idx').on(t.endpointId, t.runId, t.eventType), index('webhook_deliveries_endpoint_idx').on(t.endpointId, t.createdAt)],
)

/** The org's knowledge base: bytes in R2 (FILES, key `r2Key`), metadata here, text in documents_fts (FTS5, migration 0008_fts). */
export const documents = sqliteTable(
  'documents',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    contentType: text('content_type').notNull(),
    size: integer('size').notNull(),
    sha256: text('sha256').notNull(),
    r2Key: text('r2_key').notNull(),
    /** Passages in documents_fts; 0 when the content type has no extractable text. */
    chunks: integer('chunks').notNull(),
    createdBy: integer('created_by').references(() => users.id),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [index('documents_org_idx').on(t.orgId, t.createdAt)],
)

/** Documents attached to a task (the run's thread, or the run without one) for retrieval. */
export const documentAttachments = sqliteTable(
  'document_attachments',
  {
    scope: text('scope').notNull(),
    documentId: text('document_id')
      .notNull()
      .references(() => documents.id, { onDelete: 'cascade' }),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.scope, t.documentId] }), index('document_attachments_document_idx').on(t.documentId)],
)

/**
 * Skills: org skills (orgId set) and the shipped system skills (orgId null, synced from
 * config/skills/system.yaml on first use, `version` = the file's hash). Text in skills_fts (FTS5).
 */
export const skills = sqliteTable(
  'skills',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id').references(() => organizations.id),
    name: text('name').notNull(),
    summary: text('summary').notNull(),
    prompt: text('prompt').notNull(),
    /** JSON: {checklist: string[], templates: {name, content}[], scripts: {name, language, code}[]} */
    parts: text('parts', { mode: 'json' }).notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    copiedFrom: text('copied_from'),
    version: text('version'),
    createdAt: timestamp('created_at').notNull().default(now),
    updatedAt: timestamp('updated_at').notNull().default(now),
  },
  (t) => [index('skills_org_idx').on(t.orgId, t.name)],
)

/** An org switching a system skill off (or on again). */
export const skillToggles = sqliteTable(
  'skill_toggles',
  {
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    skillId: text('skill_id').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.skillId] })],
)

/** Child runs started by run_subagent: which call of which parent run, in task order. */
export const subagentRuns = sqliteTable(
  'subagent_runs',
  {
    parentRunId: text('parent_run_id').notNull(),
    toolCallId: text('tool_call_id').notNull(),
    idx: integer('idx').notNull(),
    childRunId: text('child_run_id').notNull(),
    mode: text('mode', { enum: ['explore', 'execute', 'verify'] }).notNull(),
    task: text('task').notNull(),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [primaryKey({ columns: [t.parentRunId, t.toolCallId, t.idx] })],
)

/** Warehouse registry (manage_dataset): which connector operation to pull for the org, and how often. */
export const datasetRegistry = sqliteTable(
  'dataset_registry',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    /** The agent whose granted credential the pull acts with. */
    agentId: text('agent_id').notNull(),
    connector: text('connector').notNull(),
    datasetKey: text('dataset_key').notNull(),
    operation: text('operation').notNull(),
    params: text('params', { mode: 'json' }).notNull(),
    cadenceMinutes: integer('cadence_minutes').notNull(),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    nextPullAt: timestamp('next_pull_at').notNull(),
    lastPullAt: timestamp('last_pull_at'),
    lastStatus: text('last_status'),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('dataset_registry_key_idx').on(t.orgId, t.connector, t.datasetKey), index('dataset_registry_due_idx').on(t.enabled, t.nextPullAt)],
)

/** Bronze: raw payloads as landed, one row per pull. */
export const warehouseRaw = sqliteTable(
  'warehouse_raw',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    connector: text('connector').notNull(),
    datasetKey: text('dataset_key').notNull(),
    payload: text('payload').notNull(),
    size: integer('size').notNull(),
    landedAt: timestamp('landed_at').notNull().default(now),
  },
  (t) => [index('warehouse_raw_dataset_idx').on(t.orgId, t.connector, t.datasetKey, t.landedAt)],
)

/** Silver: a parse-mapping over the freshest Bronze payload, read by one generic extractor. */
export const silverMappings = sqliteTable(
  'silver_mappings',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    connector: text('connector').notNull(),
    datasetKey: text('dataset_key').notNull(),
    rowPath: text('row_path').notNull(),
    columns: text('columns', { mode: 'json' }).notNull(),
    createdAt: timestamp('created_at').notNull().default(now),
    updatedAt: timestamp('updated_at').notNull().default(now),
  },
  (t) => [uniqueIndex('silver_mappings_name_idx').on(t.orgId, t.name)],
)

/** Gold: a frozen SELECT over Silver and its last materialization. */
export const goldMarts = sqliteTable(
  'gold_marts',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    sql: text('sql').notNull(),
    result: text('result', { mode: 'json' }),
    rowCount: integer('row_count'),
    materializedAt: timestamp('materialized_at'),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('gold_marts_name_idx').on(t.orgId, t.name)],
)

/** An org's own search provider for web_search / yandex_image_search (overrides the deployment's). */
export const orgSearchSettings = sqliteTable('org_search_settings', {
  orgId: integer('org_id')
    .primaryKey()
    .references(() => organizations.id),
  provider: text('provider', { enum: ['searxng', 'brave'] }).notNull(),
  url: text('url'),
  /** AES-GCM sealed (workers/lib/crypto.ts); never returned. */
  apiKeyCiphertext: text('api_key_ciphertext'),
  updatedAt: timestamp('updated_at').notNull().default(now),
})

/**
 * An inbound webhook endpoint of one credential (Telegram, GitHub…): POST /hooks/<token>. Only the
 * token's SHA-256 is stored; the verification secret (Telegram secret_token, GitHub HMAC key) is sealed.
 */
export const inboundEndpoints = sqliteTable(
  'inbound_endpoints',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id')
      .notNull()
      .references(() => organizations.id),
    credentialId: text('credential_id')
      .notNull()
      .references(() => credentials.id),
    service: text('service').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    secretCiphertext: text('secret_ciphertext').notNull(),
    createdAt: timestamp('created_at').notNull().default(now),
  },
  (t) => [uniqueIndex('inbound_endpoints_credential_idx').on(t.credentialId)],
)

/** The journal query_events reads: verified inbound deliveries, kept for INBOUND_RETENTION_DAYS. */
export const inboundEvents = sqliteTable(
  'inbound_events',
  {
    id: text('id').primaryKey(),
    orgId: integer('org_id').notNull(),
    credentialId: text('credential_id').notNull(),
    service: text('service').notNull(),
    type: text('type').notNull(),
    payload: text('payload').notNull(),
    receivedAt: timestamp('received_at').notNull().default(now),
  },
  (t) => [index('inbound_events_org_idx').on(t.orgId, t.service, t.receivedAt), index('inbound_events_received_idx').on(t.receivedAt)],
)
