import type { Issue } from '../errors'

/** NUL, or a UTF-16 surrogate without its pair: neither is text, and either breaks clients, logs and SQL LIKE. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is exactly what this refuses
const BAD_TEXT = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Deeper JSON is refused: serialising it again (storage, events) would overflow the stack. */
export const MAX_DEPTH = 32

/**
 * The first problem in validated input, walked without recursion (a 1 MiB body can nest 500k deep):
 * a string or key holding NUL or a lone surrogate, or nesting deeper than MAX_DEPTH. `loc` names it.
 */
export function badInput(value: unknown, root: string): Issue | undefined {
  const stack: { v: unknown; path: (string | number)[] }[] = [{ v: value, path: [root] }]
  for (let item = stack.pop(); item; item = stack.pop()) {
    const { v, path } = item
    if (typeof v === 'string') {
      if (BAD_TEXT.test(v)) return { loc: path, msg: 'Text must not contain NUL or unpaired surrogate characters', type: 'string_invalid_characters' }
      continue
    }
    if (v === null || typeof v !== 'object') continue
    if (path.length > MAX_DEPTH) return { loc: path, msg: `Input is nested deeper than ${MAX_DEPTH} levels`, type: 'too_deep' }
    if (Array.isArray(v)) {
      for (const [i, x] of v.entries()) stack.push({ v: x, path: [...path, i] })
    } else {
      for (const [k, x] of Object.entries(v)) {
        if (BAD_TEXT.test(k)) return { loc: [...path, k], msg: 'Keys must not contain NUL or unpaired surrogate characters', type: 'string_invalid_characters' }
        stack.push({ v: x, path: [...path, k] })
      }
    }
  }
  return undefined
}
