import { z } from 'zod'
import { createDb } from '../../db/client'
import { grantedAccounts } from '../../db/credentials'
import { executeOperation, serviceFor } from '../connectors/execute'
import { getService, servicesOf } from '../connectors/index'
import { describeMcp, executeMcp } from '../connectors/mcp'
import { paramsJsonSchema } from '../connectors/params'
import { defineTool, describe } from './types'

const ServiceIdSchema = z.string().min(1).max(64)

export const listServices = defineTool({
  name: 'list_services',
  description: describe({
    purpose: 'List the services this agent can use now and the accounts it acts as; returns canonical service ids (a remote MCP server is mcp:<account>).',
    when: 'before the first connector_execute of a task, or when the user asks what the agent is connected to.',
    whenNot: 'to learn the operations of a service — use describe_service; to call one — use connector_execute.',
    constraints: "only services among the agent's allowed connectors with a granted credential are usable; scopes say read (non-mutating operations) and write (mutating ones).",
    result: 'usable: [{service, title, accounts: [{account, label, scopes}]}]; not_connected: allowed services with no granted account (ask the user to grant one).',
  }),
  input: z.object({}),
  metadata: { display_name: 'Каталог сервисов', category: 'read', result_type: 'metadata', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: true },
  run: async (_args, ctx) => {
    const services = servicesOf(ctx.spec.connectors)
    const rows = await grantedAccounts(createDb(ctx.env.DB), ctx.spec.org_id, ctx.spec.agent_id, services)
    const account = (r: (typeof rows)[number]) => ({ account: r.instanceId, label: r.accountLabel, scopes: { read: r.read, write: r.write } })
    const usable = services.flatMap((id) => {
      // Each MCP server is a service of its own: its tools are its operations.
      if (id === 'mcp') return rows.filter((r) => r.service === id).map((r) => ({ service: `mcp:${r.instanceId}`, title: r.accountLabel ?? r.instanceId, accounts: [account(r)] }))
      const accounts = rows.filter((r) => r.service === id).map(account)
      return accounts.length ? [{ service: id, title: getService(id)?.title ?? id, accounts }] : []
    })
    const notConnected = services.filter((id) => !usable.some((u) => u.service === id))
    return { kind: 'result', result: JSON.stringify({ usable, not_connected: notConnected }) }
  },
})

export const describeService = defineTool({
  name: 'describe_service',
  description: describe({
    purpose: "A service's passport: modules and operations (method, path, parameters as JSON Schema, mutating or not), recipes, rate_limits, pagination_hints, response_examples.",
    when: 'before calling an operation you have not used in this conversation, to get its exact name and parameters.',
    whenNot: 'to list services — use list_services; to call the service — use connector_execute.',
    constraints: 'only services the agent can use; pass module to get one module when the passport is large.',
    result: 'operation names are what connector_execute takes; mutating: true needs the write scope.',
  }),
  input: z.object({ service: ServiceIdSchema, module: z.string().max(64).optional() }),
  metadata: { display_name: 'Паспорт сервиса', category: 'read', result_type: 'metadata', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: true },
  run: async (args, ctx) => {
    const service = serviceFor(ctx, args.service)
    if (service.id === 'mcp') return { kind: 'result', result: JSON.stringify(await describeMcp(ctx, args.service)) }
    const modules = service.modules.filter((m) => !args.module || m.name === args.module)
    const operations = modules.flatMap((m) => m.operations)
    const passport = {
      service: service.id,
      title: service.title,
      description: service.description,
      modules: modules.map((m) => ({
        name: m.name,
        title: m.title,
        operations: m.operations.map((o) => ({ name: o.name, method: o.method, path: o.path, summary: o.summary, mutating: o.mutating, params: paramsJsonSchema(o) })),
      })),
      recipes: service.recipes,
      rate_limits: { per_minute_per_account: service.rate_limit_per_minute, notes: service.rate_limit_notes },
      pagination_hints: Object.fromEntries(operations.flatMap((o) => (o.pagination ? [[o.name, o.pagination]] : []))),
      response_examples: Object.fromEntries(operations.flatMap((o) => (o.response_example !== undefined ? [[o.name, o.response_example]] : []))),
    }
    return { kind: 'result', result: JSON.stringify(passport) }
  },
})

export const connectorExecute = defineTool({
  name: 'connector_execute',
  description: describe({
    purpose: 'Single executor for any registered service: calls one operation as one of the granted accounts and returns the status and body.',
    when: 'to read or change data in a connected service (marketplace stocks, orders, reviews; Telegram, Slack messages; GitHub/GitLab issues).',
    whenNot: 'for public web pages — use web_fetch; for services list_services does not show — ask the user to grant an account.',
    constraints:
      'operation and params exactly as describe_service gives them (validated before anything is sent); account is needed when several are granted; mutating operations need the write scope; per-account rate limits apply; bodies are cut at max_chars.',
    result: 'ok, status and body (JSON when it parses). ok false with status 4xx: fix params, do not repeat as is; retry_after_s: wait before retrying; truncated: use the pagination hint.',
  }),
  input: z.object({
    service: ServiceIdSchema,
    operation: z.string().min(1).max(100),
    params: z.record(z.string(), z.unknown()).default({}),
    account: z.string().max(200).optional(),
    max_chars: z.number().int().min(500).max(100_000).default(20_000),
  }),
  metadata: { display_name: 'Вызов сервиса', category: 'external', result_type: 'authoritative', timeout_ms: 45_000, is_mutating: true, is_idempotent: false, is_query_tool: false },
  run: async (args, ctx) => {
    const result = serviceFor(ctx, args.service).id === 'mcp' ? await executeMcp(ctx, args) : await executeOperation(ctx, args)
    return { kind: 'result', result: JSON.stringify(result) }
  },
})
