import { z } from 'zod'
import { createDb } from '../../db/client'
import { grantedAccounts } from '../../db/credentials'
import { queryEvents as queryJournal } from '../../db/inbound'
import { servicesOf } from '../connectors/index'
import { INBOUND_RETENTION_DAYS } from '../connectors/inbound'
import { defineTool, describe, ToolError } from './types'

const MAX_PAYLOAD_CHARS = 4000
const Iso = z.iso.datetime({ offset: true })

export const queryEvents = defineTool({
  name: 'query_events',
  description: describe({
    purpose: 'Read the local journal of inbound webhook events (Telegram updates, GitHub events…) received for the granted accounts. Read-only.',
    when: 'to see what arrived from a connected service: new Telegram messages to the bot, GitHub issue or pull request events.',
    whenNot: 'to call a service — use connector_execute; Telegram getUpdates does not work while a webhook is set, so use this instead.',
    constraints: `only events of accounts granted to this agent with the read scope; kept ${INBOUND_RETENTION_DAYS} days; newest first, at most 100 per call; payloads cut at ${MAX_PAYLOAD_CHARS} characters.`,
    result: 'events: [{id, service, account, type, received_at, payload}]; an empty list means nothing arrived in that window. Page back with until = the oldest received_at.',
  }),
  input: z.object({
    service: z.string().max(64).optional(),
    type: z.string().max(100).optional().describe('e.g. message (Telegram) or issues.opened (GitHub)'),
    since: Iso.optional(),
    until: Iso.optional(),
    limit: z.number().int().min(1).max(100).default(20),
  }),
  metadata: { display_name: 'Журнал входящих событий', category: 'read', result_type: 'contextual', timeout_ms: 5000, is_mutating: false, is_idempotent: true, is_query_tool: true },
  run: async (args, ctx) => {
    const services = servicesOf(ctx.spec.connectors)
    if (args.service && !services.includes(args.service)) throw new ToolError(`service "${args.service}" is not available to this agent; list_services shows the ones it can use`)
    const db = createDb(ctx.env.DB)
    const accounts = (await grantedAccounts(db, ctx.spec.org_id, ctx.spec.agent_id, args.service ? [args.service] : services)).filter((a) => a.read)
    const byId = new Map(accounts.map((a) => [a.credentialId, a.instanceId]))
    const toIso = (s: string | undefined) => (s ? new Date(s).toISOString() : undefined)
    const rows = await queryJournal(db, ctx.spec.org_id, {
      credentialIds: [...byId.keys()],
      service: args.service,
      type: args.type,
      since: toIso(args.since),
      until: toIso(args.until),
      limit: args.limit,
    })
    const events = rows.map((r) => ({
      id: r.id,
      service: r.service,
      account: byId.get(r.credentialId) ?? null,
      type: r.type,
      received_at: r.receivedAt,
      payload: r.payload.length > MAX_PAYLOAD_CHARS ? `${r.payload.slice(0, MAX_PAYLOAD_CHARS)}…` : JSON.parse(r.payload),
    }))
    return { kind: 'result', result: JSON.stringify({ events }) }
  },
})
