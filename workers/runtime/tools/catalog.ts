import { z } from 'zod'
import { parse } from 'yaml'
import descriptorsYaml from '../../../config/prompts/tools.yaml'
import type { Db } from '../../app-env'
import { grantedServices } from '../../db/grants'
import { getSearchSettings } from '../../db/search-settings'
import type { Env } from '../../env'
import { servicesOf } from '../connectors'
import { searchConfig } from '../search'
import type { ToolSpec } from '../models/types'
import { messageCompose, renderMap, renderVisual } from './artifacts'
import { browserInteract } from './browser'
import { bslCheck } from './bsl'
import { documentsTool } from './documents'
import { connectorExecute, describeService, listServices } from './connectors'
import { queryEvents } from './events'
import { signDocument } from './sign'
import { editImage } from './edit-image'
import { generateMedia } from './generate-media'
import { gitClone } from './git'
import { exitTool, requestForm } from './interaction'
import { manageMemory, readMemory } from './memory'
import { webSearch, yandexImageSearch } from './search'
import { manageSkill, readSkill, skillSearch } from './skills'
import { replExecute } from './repl'
import { editFile, sandboxBash } from './sandbox'
import { runSubagent } from './subagents'
import { manageTask, queryTasks, taskRuntime } from './tasks'
import { transcribe } from './transcribe'
import { type AccessContext, BLOCK_LABELS, type Capability, type DescriptionBlocks, type Tool, type ToolDescriptor, ToolDescriptorSchema } from './types'
import { analyzeImage, ocr } from './vision'
import { describeDataset, listDatasets, manageDataset, manageGold, manageSilver } from './warehouse'
import { webFetch } from './web-fetch'

/**
 * Executors by tool name. A tool whose descriptor has no executor here is listed in the catalog
 * as `not implemented in this deployment` and never offered to the model. One line per executor.
 */
const EXECUTORS: Record<string, Tool> = {
  request_form: requestForm,
  exit: exitTool,
  web_search: webSearch,
  web_fetch: webFetch,
  yandex_image_search: yandexImageSearch,
  read_memory: readMemory,
  documents: documentsTool,
  list_datasets: listDatasets,
  describe_dataset: describeDataset,
  manage_dataset: manageDataset,
  manage_silver: manageSilver,
  manage_gold: manageGold,
  skill_search: skillSearch,
  read_skill: readSkill,
  manage_skill: manageSkill,
  manage_memory: manageMemory,
  render_visual: renderVisual,
  render_map: renderMap,
  message_compose: messageCompose,
  query_tasks: queryTasks,
  manage_task: manageTask,
  task_runtime: taskRuntime,
  run_subagent: runSubagent,
  list_services: listServices,
  describe_service: describeService,
  connector_execute: connectorExecute,
  query_events: queryEvents,
  sign_document: signDocument,
  generate_media: generateMedia,
  analyze_image: analyzeImage,
  ocr,
  transcribe,
  browser_interact: browserInteract,
  sandbox_bash: sandboxBash,
  edit_file: editFile,
  edit_image: editImage,
  git_clone: gitClone,
  bsl_check: bslCheck,
  repl_execute: replExecute,
} as Record<string, Tool>

/**
 * Tools this build deliberately does not offer, with the reason the catalog shows instead of
 * `not implemented in this deployment`.
 */
const NOT_OFFERED: Record<string, string> = {
  analyze_video: 'not offered: Workers AI has no video model, and sampling frames needs a video decoder a Worker does not have (a Gemini Files API provider is not configured in this build)',
  exec_command: 'not offered: the Sandbox SDK runs processes without stdin, and PTY sessions over its terminal WebSocket are not wired in this build; use sandbox_bash',
  write_stdin: 'not offered: the Sandbox SDK runs processes without stdin, and PTY sessions over its terminal WebSocket are not wired in this build; use sandbox_bash',
  open_pull_request: 'not offered: pushing a branch and the GitHub/GitLab pull-request calls are not wired in this build',
  publish_app: 'not offered: no publishing target (the apps domain and its hosting) is configured in this build',
}

export interface CatalogEntry {
  name: string
  descriptor: ToolDescriptor
  blocks: DescriptionBlocks
  executor: Tool | undefined
}

/** Splits a description into the seed's five blocks; each label must appear once, in order. */
export function splitBlocks(description: string): DescriptionBlocks {
  const keys = Object.keys(BLOCK_LABELS) as (keyof typeof BLOCK_LABELS)[]
  const at = keys.map((k) => description.indexOf(BLOCK_LABELS[k]))
  keys.forEach((k, i) => {
    if (at[i] === -1) throw new Error(`description lacks "${BLOCK_LABELS[k]}"`)
    if (i > 0 && (at[i] ?? 0) < (at[i - 1] ?? 0)) throw new Error(`"${BLOCK_LABELS[k]}" comes before "${BLOCK_LABELS[keys[i - 1] ?? k]}"`)
  })
  const cut = (i: number) => description.slice((at[i] ?? 0) + BLOCK_LABELS[keys[i] ?? 'when_to_use'].length, at[i + 1] ?? description.length).trim()
  return {
    purpose: description.slice(0, at[0]).trim(),
    when_to_use: cut(0),
    when_not_to_use: cut(1),
    key_constraints: cut(2),
    result_interpretation: cut(3),
  }
}

/** Parses and checks the descriptor file; an invalid entry fails the build's tests, naming the tool. */
export function parseCatalog(text: string, executors: Record<string, Tool>): CatalogEntry[] {
  const raw: unknown = parse(text)
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('tools.yaml must be a mapping of tool name → descriptor')
  return Object.entries(raw).map(([name, value]) => {
    const parsed = ToolDescriptorSchema.safeParse(value)
    if (!parsed.success) throw new Error(`tools.yaml: ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
    let blocks: DescriptionBlocks
    try {
      blocks = splitBlocks(parsed.data.description)
    } catch (err) {
      throw new Error(`tools.yaml: ${name}: ${(err as Error).message}`)
    }
    return { name, descriptor: parsed.data, blocks, executor: executors[name] }
  })
}

export const CATALOG: readonly CatalogEntry[] = parseCatalog(descriptorsYaml, EXECUTORS)
const BY_NAME = new Map(CATALOG.map((e) => [e.name, e]))

export const getEntry = (name: string): CatalogEntry | undefined => BY_NAME.get(name)

/** The AI, BROWSER, SANDBOX and FILES bindings; SEARCH is a search provider of the deployment or the org. */
function hasCapability(access: AccessContext, capability: Capability): boolean {
  const bindings = access.env as unknown as Record<string, unknown>
  if (capability === 'SEARCH') return access.orgSearch === true || searchConfig(access.env) !== undefined
  return bindings[capability] !== undefined && bindings[capability] !== null
}

/** What availability depends on, for one agent of one org: two D1 reads. */
export async function accessFor(
  env: Env,
  db: Db,
  agent: { orgId: number; agentId: string; connectors: readonly string[] },
  /** Read with the run's creation (RunSpec.context) and still fresh: no D1 read. */
  known?: { granted_services: string[]; org_search: boolean },
): Promise<AccessContext> {
  if (known) return { env, connectors: agent.connectors, grantedServices: known.granted_services, orgSearch: known.org_search }
  const [granted, search] = await Promise.all([grantedServices(db, agent.agentId), getSearchSettings(db, agent.orgId)])
  return { env, connectors: agent.connectors, grantedServices: granted, orgSearch: search.provider !== null }
}

export type Availability = { available: true } | { available: false; reason: string }

/** Why a tool cannot be used by this agent in this deployment, checked in this order. */
export function availability(entry: CatalogEntry, access: AccessContext): Availability {
  const { requires } = entry.descriptor
  const missing = [requires.capability ?? []].flat().find((c) => !hasCapability(access, c))
  if (missing) return { available: false, reason: `capability not configured: ${missing}` }
  if (requires.connector && access.connectors.length === 0) return { available: false, reason: 'connector not allowed: the agent allows no connectors' }
  const keys = requires.connector_keys?.filter((k) => access.connectors.includes(k))
  if (requires.connector_keys && !keys?.length) return { available: false, reason: `connector not allowed: needs one of ${requires.connector_keys.join(', ')}` }
  if (requires.grant) {
    const services = keys ? servicesOf(keys) : servicesOf(access.connectors)
    if (!services.some((s) => access.grantedServices.includes(s))) return { available: false, reason: 'no grant: no credential is granted to the agent for its connectors' }
  }
  if (!entry.executor) return { available: false, reason: NOT_OFFERED[entry.name] ?? 'not implemented in this deployment' }
  return { available: true }
}

/** The entries the model is offered: only what is available. */
export const offeredTools = (access: AccessContext): CatalogEntry[] => CATALOG.filter((e) => availability(e, access).available)

type JsonSchema = Record<string, unknown> & { properties?: Record<string, unknown>; required?: string[] }

const SCHEMAS = new WeakMap<CatalogEntry, JsonSchema>()

/** The executor's JSON Schema with schema_overrides applied (built once per entry: every run sends it). */
export function parametersOf(entry: CatalogEntry): JsonSchema | null {
  if (!entry.executor) return null
  const cached = SCHEMAS.get(entry)
  if (cached) return cached
  const built = buildParameters(entry, entry.executor)
  SCHEMAS.set(entry, built)
  return built
}

/** require_fields become required; strip_null_fields become nullable. */
function buildParameters(entry: CatalogEntry, executor: Tool): JsonSchema {
  const schema = z.toJSONSchema(executor.input, { io: 'input' }) as JsonSchema
  const { require_fields, strip_null_fields } = entry.descriptor.schema_overrides
  const properties = { ...schema.properties }
  for (const field of strip_null_fields) {
    const prop = properties[field]
    if (prop !== undefined) properties[field] = { anyOf: [prop, { type: 'null' }] }
  }
  const required = [...new Set([...(schema.required ?? []), ...require_fields.filter((f) => f in properties)])]
  const { $schema: _drop, ...rest } = schema
  return { ...rest, properties, ...(required.length ? { required } : {}) }
}

/** The model's view of a tool: the name, the five-block description verbatim, the shaped schema. */
export const toolSpec = (entry: CatalogEntry): ToolSpec => ({
  name: entry.name,
  description: entry.descriptor.description,
  parameters: parametersOf(entry) ?? { type: 'object', properties: {} },
})
