/** Shapes the console reads: the API's OpenAPI components (see /openapi.json), only the fields used here. */
export interface Page<T> {
  items: T[]
  total: number
}

export interface Agent {
  id: string
  code: string
  name: string
  description: string | null
  system_prompt: string | null
  model: string
  is_enabled: boolean
  connectors: string[]
  kind: 'system' | 'custom'
}

export interface Connector {
  key: string
  title: string
}

export interface AvailableCredential {
  credential_id: string
  service_name: string
  instance_id: string
  account_label: string | null
  granted: boolean
  grant_id: string | null
}

export interface Grant {
  id: string
  credential_id: string
  scopes: { read: boolean; write: boolean }
}

export interface Costs {
  total: number
  currency: string
}

export interface Usage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export interface Run {
  id: string
  agent_id: string
  channel: string
  status: string
  model: string
  input: string
  output: string | null
  error: { code: string; message: string | null } | null
  usage: Usage
  costs: Costs
  time_to_first_token_ms: number | null
  created_at: string
}

export interface Turn {
  turn_id: string
  session_id: string | null
  status: string
  usage: Usage
  costs: Costs
  time_to_first_token_ms: number | null
}

/** Money with enough digits for per-run cents of a cent. */
export const money = (c: Costs) => `${c.currency === 'USD' ? '$' : `${c.currency} `}${c.total.toFixed(6)}`
