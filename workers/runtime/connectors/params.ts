import { z } from 'zod'
import type { Operation, ParamSpec } from './types'

const scalar = (type: ParamSpec['type'] | NonNullable<ParamSpec['items']>): z.ZodType => {
  switch (type) {
    case 'string':
      return z.string().max(100_000)
    case 'integer':
      return z.number().int()
    case 'number':
      return z.number()
    case 'boolean':
      return z.boolean()
    case 'object':
      return z.record(z.string(), z.unknown())
    case 'array':
      return z.array(z.unknown())
  }
}

function paramSchema(p: ParamSpec): z.ZodType {
  let s = p.enum ? z.enum(p.enum as [string, ...string[]]) : p.type === 'array' && p.items ? z.array(scalar(p.items)).max(10_000) : scalar(p.type)
  if (p.description) s = s.describe(p.description)
  return p.required ? s : s.optional()
}

const cache = new WeakMap<Operation, z.ZodType>()

/** The operation's parameters as one strict object: unknown names are refused, not dropped. */
export function paramsSchema(op: Operation): z.ZodType {
  let schema = cache.get(op)
  if (!schema) {
    schema = z.strictObject(Object.fromEntries(Object.entries(op.params).map(([name, p]) => [name, paramSchema(p)])))
    cache.set(op, schema)
  }
  return schema
}

/** JSON Schema of the parameters, for describe_service. */
export const paramsJsonSchema = (op: Operation): Record<string, unknown> => {
  const { $schema: _, ...schema } = z.toJSONSchema(paramsSchema(op), { io: 'input' }) as Record<string, unknown>
  return schema
}
