import { z } from 'zod'
import type { JsonObject } from '../../runs/types'
import { artifactEvent, base64Bytes, putArtifact } from '../media'
import { MAX_OUTPUT, sandboxFor, sdk, truncate } from '../sandbox'
import { defineTool } from './types'

/**
 * The seed's REPL helpers, defined once per interpreter (the guard makes re-running it a no-op).
 * llm_query would need a model call from inside the container; it says so instead of pretending.
 */
export const PRELUDE = `
if '_agentplane_helpers' not in globals():
    import json as _json, re as _re
    _agentplane_helpers = True
    def load(path):
        """A CSV/JSON/Excel file as a pandas DataFrame when pandas is installed, else the text."""
        try:
            import pandas as pd
            if path.endswith('.csv'): return pd.read_csv(path)
            if path.endswith('.json'): return pd.read_json(path)
            if path.endswith(('.xlsx', '.xls')): return pd.read_excel(path)
        except ImportError:
            pass
        with open(path, encoding='utf-8') as f: return f.read()
    def peek(obj, n=5):
        """The first n rows, items or 500 characters of obj."""
        if hasattr(obj, 'head'): return obj.head(n)
        if isinstance(obj, str): return obj[:500]
        try: return list(obj)[:n]
        except TypeError: return obj
    def grep(pattern, text, context=0):
        """Lines of text (or of the file at that path) matching the regex, with context lines around."""
        try:
            with open(text, encoding='utf-8') as f: text = f.read()
        except (OSError, ValueError):
            pass
        lines = str(text).splitlines()
        hits = [i for i, line in enumerate(lines) if _re.search(pattern, line)]
        return [(i + 1, '\\n'.join(lines[max(0, i - context):i + context + 1])) for i in hits]
    def chunk_indices(n, size):
        """(start, end) pairs covering range(n) (or len(n)) in chunks of size."""
        n = n if isinstance(n, int) else len(n)
        return [(i, min(i + size, n)) for i in range(0, n, size)]
    def llm_query(prompt):
        raise NotImplementedError('llm_query is not available in this deployment: ask the model in the conversation instead')
    def FINAL(value):
        """Marks the answer to report."""
        print('__FINAL__:' + _json.dumps(value, default=str, ensure_ascii=False))
`

const FINAL = /^__FINAL__:(.*)$/m

export const replExecute = defineTool({
  name: 'repl_execute',
  input: z.object({ code: z.string().min(1).max(100_000), timeout_s: z.number().int().min(1).max(120).optional() }),
  run: async (args, ctx) => {
    const sandbox = sandboxFor(ctx.env, ctx.spec)
    const timeout = (args.timeout_s ?? 120) * 1000
    await sdk('repl', () => sandbox.runCode(PRELUDE, { language: 'python', timeout }))
    const out = await sdk('repl', () => sandbox.runCode(args.code, { language: 'python', timeout }))
    let stdout = out.logs.stdout.join('')
    const final = FINAL.exec(stdout)
    stdout = stdout.replace(/^__FINAL__:.*\n?/gm, '')
    const results: JsonObject[] = []
    for (const r of out.results) {
      const image = r.png ?? r.jpeg
      if (image && ctx.env.FILES) {
        const a = await putArtifact(ctx.env, ctx.spec, { bytes: base64Bytes(image), contentType: r.png ? 'image/png' : 'image/jpeg', name: `repl-output.${r.png ? 'png' : 'jpg'}` })
        await ctx.emit('artifact', artifactEvent('media', a, { kind: 'image', tool: 'repl_execute' }))
        results.push({ artifact_id: a.artifact_id, url: a.url })
      } else if (r.text ?? r.markdown) results.push({ text: truncate(r.text ?? r.markdown ?? '', MAX_OUTPUT / 4).text })
    }
    let final_value: unknown = null
    if (final?.[1]) {
      try {
        final_value = JSON.parse(final[1])
      } catch {
        final_value = final[1]
      }
    }
    const error = out.error ? { name: out.error.name, message: out.error.message, traceback: truncate(out.error.traceback.join('\n'), 8000).text } : null
    return {
      kind: 'result',
      result: JSON.stringify({
        stdout: truncate(stdout).text,
        stderr: truncate(out.logs.stderr.join('')).text,
        results,
        error,
        final: final ? final_value : null,
        execution_count: out.executionCount ?? null,
      }),
    }
  },
})
