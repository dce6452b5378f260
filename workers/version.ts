/** The API version every OpenAPI document and the MCP server report. */
export const VERSION = '0.1.0'
