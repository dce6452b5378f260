import fc from 'fast-check'

/** One operation of a dialect's OpenAPI document. */
export interface Operation {
  prefix: string
  method: string
  /** The full path template, `{name}` for each path parameter. */
  path: string
  pathParams: string[]
  queryParams: string[]
  /** Property names of the JSON body (empty when it has none, or is free-form). */
  bodyProps: string[]
  /** Names of body properties the schema types as strings. */
  stringProps: string[]
  hasBody: boolean
}

interface SchemaLike {
  $ref?: string
  type?: string | string[]
  properties?: Record<string, SchemaLike>
  anyOf?: SchemaLike[]
}
interface DocumentLike {
  paths?: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content?: Record<string, { schema?: SchemaLike }> } }>>
  components?: { schemas?: Record<string, SchemaLike> }
}

const resolve = (doc: DocumentLike, s: SchemaLike | undefined): SchemaLike | undefined => (s?.$ref ? doc.components?.schemas?.[s.$ref.replace('#/components/schemas/', '')] : s)

const isString = (doc: DocumentLike, s: SchemaLike | undefined): boolean => {
  const r = resolve(doc, s)
  return r?.type === 'string' || (Array.isArray(r?.type) && r.type.includes('string')) || (r?.anyOf ?? []).some((x) => isString(doc, x))
}

/** Every operation of the documents, in document order (so a seed gives the same requests). */
export function operationsOf(docs: { prefix: string; document: unknown }[]): Operation[] {
  return docs.flatMap(({ prefix, document }) => {
    const doc = document as DocumentLike
    return Object.entries(doc.paths ?? {}).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => {
        const body = resolve(doc, op.requestBody?.content?.['application/json']?.schema)
        const props = body?.properties ?? {}
        return {
          prefix,
          method: method.toUpperCase(),
          path: `${prefix}${path}`,
          pathParams: [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''),
          queryParams: (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name),
          bodyProps: Object.keys(props),
          stringProps: Object.entries(props)
            .filter(([, s]) => isString(doc, s))
            .map(([k]) => k),
          hasBody: op.requestBody !== undefined,
        }
      }),
    )
  })
}

/** Text no field should accept as-is. */
export const badText = fc.constantFrom('\u0000', 'a\u0000b', '\ud800', 'x\udfff', '\udc00\ud800', `${'\u0000'.repeat(3)}`)

/** A value of the wrong type, size or range for nearly any field. */
export const badValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, -2147483649, 2 ** 53, Number.MAX_VALUE, 0.5, '', ' ', 'null', '-1', '1e309', 'x'.repeat(10_000), 'n'.repeat(60), '%_\\'.repeat(30), [], {}, [null]),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  badText,
  fc.array(fc.jsonValue(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { maxKeys: 3 }),
)

/** A path segment that is not a valid id: numbers out of range, encodings, traversal, unicode. */
export const badSegment = fc.oneof(
  fc.constantFrom(
    '-1',
    '0',
    '1.5',
    '0x10',
    '1e3',
    '99999999999999999999999',
    '9007199254740993',
    'NaN',
    'null',
    '%00',
    '%ZZ',
    '%',
    '..',
    '%2e%2e',
    '%2F',
    ' ',
    '%20',
    "'",
    '"',
    '%F0%9F%98%80',
    '%ED%A0%80',
    'a'.repeat(300),
  ),
  fc.string({ minLength: 1, maxLength: 20 }).map(encodeURIComponent),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 8 }).map((s) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, 'x'))),
  fc.uuid(),
)

/** JSON nested `depth` levels deep (the string is built, not a deep object: JSON.stringify would overflow). */
export const deepJson = (depth: number): string => `${'['.repeat(depth)}1${']'.repeat(depth)}`
