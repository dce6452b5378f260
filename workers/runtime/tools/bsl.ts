import { z } from 'zod'
import { sandboxFor, sdk, truncate, workspacePath } from '../sandbox'
import { defineTool, ToolError } from './types'

/** The descriptor's cap. */
const MAX_DIAGNOSTICS = 500
const SEVERITY_ORDER = ['Error', 'Warning', 'Information', 'Hint']

/** bsl-language-server's json reporter (`bsl-json.json`: AnalysisInfo). */
const ReportSchema = z
  .object({
    fileinfos: z.array(
      z
        .object({
          path: z.string(),
          diagnostics: z.array(
            z
              .object({
                range: z.object({ start: z.object({ line: z.number(), character: z.number() }) }).loose(),
                severity: z.string(),
                code: z.union([z.string(), z.number()]).nullish(),
                message: z.string(),
              })
              .loose(),
          ),
        })
        .loose(),
    ),
  })
  .loose()

/** `file:///workspace/src/Module.bsl` → `/workspace/src/Module.bsl`. */
const filePath = (uri: string) => (uri.startsWith('file://') ? decodeURIComponent(new URL(uri).pathname) : uri)

export const bslCheck = defineTool({
  name: 'bsl_check',
  input: z.object({ path: z.string().min(1).max(1000) }),
  run: async (args, ctx) => {
    const sandbox = sandboxFor(ctx.env, ctx.spec)
    const path = workspacePath(args.path)
    const out = `/tmp/bsl-${crypto.randomUUID()}`
    // bsl-analyze is the image's wrapper around the analyzer (containers/sandbox/bsl-analyze.sh).
    const run = await sdk('bsl_check', () => sandbox.exec(`bsl-analyze '${path.replace(/'/g, `'\\''`)}' '${out}'`, { timeout: 110_000 }))
    if (run.exitCode !== 0) throw new ToolError(`bsl-language-server failed (exit ${run.exitCode}): ${truncate(run.stderr.trim(), 2000).text}`)
    const file = await sdk('bsl_check report', () => sandbox.readFile(`${out}/bsl-json.json`))
    let raw: unknown
    try {
      raw = JSON.parse(file.content)
    } catch {
      throw new ToolError('bsl-language-server wrote an unreadable report')
    }
    const report = ReportSchema.safeParse(raw)
    if (!report.success) throw new ToolError('bsl-language-server wrote a report in an unexpected shape')
    const all = report.data.fileinfos.flatMap((f) =>
      f.diagnostics.map((d) => ({
        file: filePath(f.path),
        line: d.range.start.line + 1,
        column: d.range.start.character + 1,
        severity: d.severity,
        rule: d.code === null || d.code === undefined ? null : String(d.code),
        message: d.message,
      })),
    )
    const rank = (s: string) => (SEVERITY_ORDER.includes(s) ? SEVERITY_ORDER.indexOf(s) : SEVERITY_ORDER.length)
    all.sort((a, b) => rank(a.severity) - rank(b.severity) || a.file.localeCompare(b.file) || a.line - b.line)
    const counts = Object.fromEntries(SEVERITY_ORDER.map((s) => [s.toLowerCase(), all.filter((d) => d.severity === s).length]))
    return { kind: 'result', result: JSON.stringify({ path, files: report.data.fileinfos.length, counts, truncated: all.length > MAX_DIAGNOSTICS, diagnostics: all.slice(0, MAX_DIAGNOSTICS) }) }
  },
})
