/**
 * The connectors an agent may be allowed to use. A connector is a tool family; a credential for
 * its `service` is what it acts as. Tools consult this registry, the agents API validates keys here.
 */
export interface Connector {
  key: string
  title: string
  /** service_name a credential must have to be usable by this connector */
  service: string
  base_url: string | null
  description: string
}

export const CONNECTORS: readonly Connector[] = [
  { key: 'wildberries', title: 'Wildberries', service: 'wildberries', base_url: 'https://suppliers-api.wildberries.ru', description: 'Wildberries seller API: stock, orders, reviews.' },
  { key: 'ozon', title: 'Ozon', service: 'ozon', base_url: 'https://api-seller.ozon.ru', description: 'Ozon Seller API: products, stock, postings.' },
  { key: 'yandex_market', title: 'Yandex Market', service: 'yandex_market', base_url: 'https://api.partner.market.yandex.ru', description: 'Yandex Market partner API.' },
  { key: 'telegram', title: 'Telegram', service: 'telegram', base_url: 'https://api.telegram.org', description: 'Telegram Bot API: send messages to chats.' },
  { key: 'github', title: 'GitHub', service: 'github', base_url: 'https://api.github.com', description: 'GitHub REST API: repositories, issues, pull requests.' },
  { key: 'gitlab', title: 'GitLab', service: 'gitlab', base_url: 'https://gitlab.com/api/v4', description: 'GitLab REST API.' },
  { key: 'slack', title: 'Slack', service: 'slack', base_url: 'https://slack.com/api', description: 'Slack Web API: post messages.' },
  { key: 'http', title: 'HTTP', service: 'http', base_url: null, description: 'Generic HTTPS requests with a stored header credential.' },
]

const BY_KEY = new Map(CONNECTORS.map((c) => [c.key, c]))

export const getConnector = (key: string): Connector | undefined => BY_KEY.get(key)

/** Services reachable through a set of connector keys (a credential is usable if its service is here). */
export const servicesOf = (keys: readonly string[]): string[] => [...new Set(keys.flatMap((k) => BY_KEY.get(k)?.service ?? []))]
