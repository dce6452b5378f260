/**
 * A service descriptor: everything the executor needs to call a service and everything
 * describe_service tells the model. Data only; adding a service is adding one such file.
 */

/** One parameter of an operation: where it goes in the request and what it must look like. */
export interface ParamSpec {
  in: 'path' | 'query' | 'body'
  type: 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array'
  required?: boolean
  description?: string
  enum?: readonly string[]
  /** Item type of an array (objects are free-form). */
  items?: 'string' | 'integer' | 'number' | 'object'
  /** A path param that may hold a sub-path: its "/" are not escaped (GitHub contents). */
  keep_slashes?: boolean
}

export interface Operation {
  /** Unique within the service: `module.verb`, e.g. `orders.list`. */
  name: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  /** Path template relative to the module's base URL, `{param}` for path parameters. */
  path: string
  summary: string
  /** Mutating operations need the grant's `write` scope; the rest need `read`. */
  mutating: boolean
  params: Readonly<Record<string, ParamSpec>>
  /** Sent as the whole JSON body instead of one key per body param (an array body, e.g.). */
  raw_body?: string
  /** JSON-RPC 2.0 services (SBIS): the body is {jsonrpc, method, params: <body params>, id}. */
  rpc_method?: string
  pagination?: string
  response_example?: unknown
}

export interface Module {
  name: string
  title: string
  /** Default base URL of this module (marketplaces split modules across hosts). */
  base_url: string | null
  operations: readonly Operation[]
}

/**
 * How the credential's secret is applied. `{secret}` (or `{field}` for a JSON secret with
 * `fields`) is replaced in header values and in the path prefix.
 */
export type AuthScheme =
  | { kind: 'headers'; headers: Readonly<Record<string, string>>; fields?: readonly string[]; public_fields?: readonly string[] }
  | { kind: 'path_prefix'; prefix: string }
  /** Generic http: the secret is JSON `{"header": "...", "value": "..."}`. */
  | { kind: 'header_template' }

export interface ServiceDescriptor {
  /** Canonical service id = connector key = credentials.service_name. */
  id: string
  title: string
  description: string
  auth: AuthScheme
  /** Human wording of the secret's format for the credentials API and README. */
  secret_format: string
  /** `allowed`: a credential may carry base_url (self-hosted); `required`: it must. `dev_only`: only where ALLOW_PRIVATE_TARGETS is set (local dev, tests). */
  base_url_override: 'allowed' | 'required' | 'dev_only'
  /** Fixed headers every request carries (API version pins, Accept). */
  headers?: Readonly<Record<string, string>>
  /** Requests per minute per credential; the provider's published limit or below it. */
  rate_limit_per_minute: number
  rate_limit_notes: string
  modules: readonly Module[]
  recipes: readonly { name: string; steps: readonly string[] }[]
}
