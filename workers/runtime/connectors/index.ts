import { diadoc } from './services/diadoc'
import { github } from './services/github'
import { gitlab } from './services/gitlab'
import { http } from './services/http'
import { mcp } from './services/mcp'
import { ozon } from './services/ozon'
import { sbis } from './services/sbis'
import { slack } from './services/slack'
import { telegram } from './services/telegram'
import { wildberries } from './services/wildberries'
import { yandexMarket } from './services/yandex-market'
import type { Operation, ServiceDescriptor } from './types'

/** Every registered service; adding one is adding its descriptor file and a line here. */
export const SERVICES: readonly ServiceDescriptor[] = [wildberries, ozon, yandexMarket, telegram, github, gitlab, slack, http, mcp, diadoc, sbis]

const BY_ID = new Map(SERVICES.map((s) => [s.id, s]))

/** `mcp:<instance_id>` names one granted MCP server: its descriptor is the `mcp` one. */
export const getService = (id: string): ServiceDescriptor | undefined => BY_ID.get(id.startsWith('mcp:') ? 'mcp' : id)

/** The account a service id pins (`mcp:<instance_id>`), if any. */
export const pinnedAccount = (id: string): string | undefined => (id.startsWith('mcp:') ? id.slice(4) : undefined)

/** An operation with the module it belongs to (for its base URL). */
export function findOperation(service: ServiceDescriptor, name: string): { operation: Operation; baseUrl: string | null } | undefined {
  for (const m of service.modules) {
    const operation = m.operations.find((o) => o.name === name)
    if (operation) return { operation, baseUrl: m.base_url }
  }
  return undefined
}

/**
 * The connectors an agent may be allowed to use, derived from the descriptors: a connector is a
 * service; a credential with that `service_name` is what it acts as. The agents API validates keys here.
 */
export interface Connector {
  key: string
  title: string
  /** service_name a credential must have to be usable by this connector */
  service: string
  base_url: string | null
  description: string
}

export const CONNECTORS: readonly Connector[] = SERVICES.map((s) => ({
  key: s.id,
  title: s.title,
  service: s.id,
  base_url: s.modules[0]?.base_url ?? null,
  description: s.description,
}))

const CONNECTOR_BY_KEY = new Map(CONNECTORS.map((c) => [c.key, c]))

export const getConnector = (key: string): Connector | undefined => CONNECTOR_BY_KEY.get(key)

/** Services reachable through a set of connector keys (a credential is usable if its service is here). */
export const servicesOf = (keys: readonly string[]): string[] => [...new Set(keys.flatMap((k) => CONNECTOR_BY_KEY.get(k)?.service ?? []))]
