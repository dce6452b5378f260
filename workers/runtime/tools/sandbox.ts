import { z } from 'zod'
import { sandboxFor, sdk, truncate, WORKDIR, workspacePath } from '../sandbox'
import { defineTool, ToolError } from './types'

export const sandboxBash = defineTool({
  name: 'sandbox_bash',
  input: z.object({
    command: z.string().min(1).max(20_000),
    workdir: z.string().min(1).max(500).optional(),
    /** At most the descriptor's 120 s. */
    timeout_s: z.number().int().min(1).max(120).optional(),
  }),
  run: async (args, ctx) => {
    const sandbox = sandboxFor(ctx.env, ctx.spec)
    const cwd = workspacePath(args.workdir ?? WORKDIR)
    const out = await sdk('sandbox', () => sandbox.exec(args.command, { timeout: (args.timeout_s ?? 120) * 1000, cwd }))
    const stdout = truncate(out.stdout)
    const stderr = truncate(out.stderr)
    return {
      kind: 'result',
      result: JSON.stringify({ exit_code: out.exitCode, stdout: stdout.text, stderr: stderr.text, truncated: stdout.truncated || stderr.truncated, duration_ms: out.duration, workdir: cwd }),
    }
  },
})

const normalise = (line: string) => line.trim().replace(/\s+/g, ' ')

/** Where `search` occurs once: exactly, else line by line ignoring indentation and runs of spaces. */
function locate(text: string, search: string): { start: number; end: number; fuzzy: boolean } {
  const exact = text.split(search).length - 1
  if (exact > 1) throw new ToolError(`search: matches ${exact} times; add surrounding lines so it matches once`)
  if (exact === 1) {
    const start = text.indexOf(search)
    return { start, end: start + search.length, fuzzy: false }
  }
  const lines = text.split('\n')
  const wanted = search.split('\n').map(normalise)
  while (wanted.length && wanted.at(-1) === '') wanted.pop()
  if (!wanted.length) throw new ToolError('search: empty')
  const hits: number[] = []
  for (let i = 0; i + wanted.length <= lines.length; i++) if (wanted.every((w, j) => normalise(lines[i + j] ?? '') === w)) hits.push(i)
  if (hits.length !== 1) throw new ToolError(hits.length ? `search: matches ${hits.length} times (ignoring whitespace); add surrounding lines` : 'no match: re-read the file before trying again')
  const first = hits[0] ?? 0
  const start = lines.slice(0, first).reduce((n, l) => n + l.length + 1, 0)
  const end = start + lines.slice(first, first + wanted.length).join('\n').length
  return { start, end, fuzzy: true }
}

/** A small unified-style diff of the replaced region, with its first line number. */
function diff(text: string, start: number, old: string, replacement: string): string {
  const line = text.slice(0, start).split('\n').length
  return [`@@ line ${line} @@`, ...old.split('\n').map((l) => `-${l}`), ...replacement.split('\n').map((l) => `+${l}`)].join('\n')
}

export const editFile = defineTool({
  name: 'edit_file',
  input: z.object({ path: z.string().min(1).max(1000), search: z.string().min(1).max(50_000), replace: z.string().max(50_000) }),
  run: async (args, ctx) => {
    const sandbox = sandboxFor(ctx.env, ctx.spec)
    const path = workspacePath(args.path)
    const file = await sdk(`path: ${args.path}`, () => sandbox.readFile(path))
    if (file.encoding === 'base64') throw new ToolError(`path: ${args.path} is a binary file`)
    const { start, end, fuzzy } = locate(file.content, args.search)
    const old = file.content.slice(start, end)
    const updated = file.content.slice(0, start) + args.replace + file.content.slice(end)
    await sdk(`path: ${args.path}`, () => sandbox.writeFile(path, updated))
    return { kind: 'result', result: JSON.stringify({ path, matched: fuzzy ? 'fuzzy' : 'exact', diff: diff(file.content, start, old, args.replace) }) }
  },
})
