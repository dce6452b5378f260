import { Validator } from '@cfworker/json-schema'
import acp from '../specs/acp-openapi-0.2.3.json'
import codegen from '../specs/codegen-openapi.json'

type Spec = { components: { schemas: Record<string, unknown> } }
const SPECS = { codegen: codegen as unknown as Spec, acp: acp as unknown as Spec }

/**
 * Validates a body against a named schema of one of the shared OpenAPI 3.1 documents
 * (JSON Schema 2020-12); returns the errors, [] when valid.
 */
export function specErrors(spec: keyof typeof SPECS, schema: string, body: unknown): string[] {
  const doc = SPECS[spec]
  if (!(schema in doc.components.schemas)) throw new Error(`no schema ${schema} in ${spec}`)
  const validator = new Validator({ $ref: `#/components/schemas/${schema}`, components: doc.components } as never, '2020-12', false)
  const result = validator.validate(body)
  return result.valid ? [] : result.errors.map((e) => `${e.instanceLocation} ${e.error}`)
}
