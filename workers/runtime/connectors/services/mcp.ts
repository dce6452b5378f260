import type { ServiceDescriptor } from '../types'

/**
 * Remote MCP servers (streamable HTTP). The credential's base_url is the server's endpoint and its
 * secret the bearer token; the operations are the server's tools, read with tools/list at call time.
 * Each granted server is its own service, `mcp:<instance_id>`.
 */
export const mcp: ServiceDescriptor = {
  id: 'mcp',
  title: 'MCP server',
  description: 'A remote Model Context Protocol server (streamable HTTP): its tools become operations.',
  auth: { kind: 'headers', headers: { Authorization: 'Bearer {secret}' } },
  secret_format: 'the bearer token the MCP server expects; base_url is its streamable HTTP endpoint (…/mcp)',
  base_url_override: 'required',
  rate_limit_per_minute: 60,
  rate_limit_notes: 'Unknown server: 60 calls a minute per credential (tools/list and tools/call each count).',
  modules: [],
  recipes: [{ name: 'Use a server', steps: ['describe_service mcp:<account> lists its tools', 'connector_execute with operation = the tool name and params = its arguments'] }],
}
