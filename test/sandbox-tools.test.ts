import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import type { RunSpec } from '../workers/runs/types'
import { availability, getEntry } from '../workers/runtime/tools/catalog'
import { invokeTool } from '../workers/runtime/tools/invoke'
import { call, createTenant } from './helpers/api'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

// SANDBOX is test/fixtures/sandbox-stand-in.js: a Durable Object answering the Sandbox SDK's stub
// methods (exec, readFile, writeFile) from a scripted table. No container runs here.
interface SandboxCall {
  method: string
  repoUrl?: string
  command?: string
  path?: string
  options?: { timeout?: number; cwd?: string }
}
const sandboxOf = (runId: string) =>
  env.SANDBOX?.getByName(`run-${runId}`) as unknown as { calls(): Promise<SandboxCall[]>; writeFile(p: string, c: string): Promise<unknown>; readFile(p: string): Promise<{ content: string }> }

function toolsFor() {
  const spec = { org_id: 1, run_id: crypto.randomUUID(), agent_id: crypto.randomUUID(), connectors: [] } as unknown as RunSpec
  const use = async (name: string, args: Record<string, unknown>) => {
    const entry = getEntry(name)
    if (!entry) throw new Error(name)
    const out = await invokeTool(entry, JSON.stringify(args), { env, spec, signal: new AbortController().signal, callId: 'c1', emit: async () => undefined })
    if (out.kind !== 'result') throw new Error(out.kind)
    return JSON.parse(out.result)
  }
  return { spec, use, sandbox: sandboxOf(spec.run_id) }
}

describe('sandbox_bash (Sandbox SDK stand-in)', () => {
  it('in a run: the command reaches the run’s sandbox with the timeout and workdir; exit code and output come back', async ({ expect }) => {
    const t = await createTenant('sandbox')
    const s = await startTurn(t, { message: `/tool sandbox_bash {"command":"python3 -c 'print(2+2)'","timeout_s":30}` })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success' })
    const result = JSON.parse(String((await allEvents(s.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
    expect(result).toEqual({ exit_code: 0, stdout: '4\n', stderr: '', truncated: false, duration_ms: expect.any(Number), workdir: '/workspace' })
    expect(await sandboxOf(s.turn_id).calls()).toEqual([{ method: 'exec', command: "python3 -c 'print(2+2)'", options: { timeout: 30_000, cwd: '/workspace' } }])
  })

  it('a failing command reports exit code and stderr; long output is cut to 64 KiB; bad arguments name the field', async ({ expect }) => {
    const { use } = toolsFor()
    expect(await use('sandbox_bash', { command: 'exit 3' })).toMatchObject({ exit_code: 3, stderr: 'exited with 3\n' })
    expect(await use('sandbox_bash', { command: 'nosuchtool --x' })).toMatchObject({ exit_code: 127, stderr: 'sh: 1: nosuchtool: not found\n' })
    const big = await use('sandbox_bash', { command: "head -c 100000 /dev/zero | tr '\\\\0' x" })
    expect(big.truncated).toBe(true)
    expect(big.stdout).toContain(`[${100_000 - 64 * 1024} characters cut]`)
    expect(big.stdout.length).toBeLessThan(64 * 1024 + 100)
    expect(await use('sandbox_bash', { command: 'pwd', workdir: 'app/../src' })).toMatchObject({ stdout: '/workspace/src\n' })
    expect(await use('sandbox_bash', { command: 'ls', timeout_s: 600 })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['timeout_s'] }] })
    expect(await use('sandbox_bash', { workdir: '/tmp' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['command'] }] })
  })
})

describe('edit_file', () => {
  it('replaces a unique exact match and returns a diff; the file in the sandbox changes', async ({ expect }) => {
    const { use, sandbox } = toolsFor()
    await sandbox.writeFile('/workspace/app/main.py', 'import os\nDEBUG = True\nPORT = 80\n')
    expect(await use('edit_file', { path: 'app/main.py', search: 'DEBUG = True', replace: 'DEBUG = False' })).toEqual({
      path: '/workspace/app/main.py',
      matched: 'exact',
      diff: '@@ line 2 @@\n-DEBUG = True\n+DEBUG = False',
    })
    expect((await sandbox.readFile('/workspace/app/main.py')).content).toBe('import os\nDEBUG = False\nPORT = 80\n')
  })

  it('falls back to a whitespace-insensitive match when it is unique; otherwise says why', async ({ expect }) => {
    const { use, sandbox } = toolsFor()
    await sandbox.writeFile('/workspace/f.py', 'def f():\n    if x:\n        return 1\n    return 2\nreturn 2\n')
    expect(await use('edit_file', { path: 'f.py', search: 'if x:\n  return 1', replace: '    if x:\n        return 10' })).toMatchObject({
      matched: 'fuzzy',
      diff: '@@ line 2 @@\n-    if x:\n-        return 1\n+    if x:\n+        return 10',
    })
    expect((await sandbox.readFile('/workspace/f.py')).content).toBe('def f():\n    if x:\n        return 10\n    return 2\nreturn 2\n')
    expect(await use('edit_file', { path: 'f.py', search: 'return 2', replace: 'return 3' })).toEqual({ error: 'search: matches 2 times; add surrounding lines so it matches once' })
    expect(await use('edit_file', { path: 'f.py', search: 'return 99', replace: 'x' })).toEqual({ error: 'no match: re-read the file before trying again' })
    expect(await use('edit_file', { path: 'missing.py', search: 'a', replace: 'b' })).toEqual({ error: expect.stringMatching(/^path: missing\.py: .*File not found: \/workspace\/missing\.py/) })
    expect(await use('edit_file', { path: '../../../etc/passwd', search: 'a', replace: 'b' })).toEqual({ error: 'path: ../../../etc/passwd leaves the file system root' })
  })

  it('without the SANDBOX binding the code tools are not offered, and say so', async ({ expect }) => {
    for (const name of ['sandbox_bash', 'edit_file', 'repl_execute']) {
      const entry = getEntry(name)
      if (!entry) throw new Error(name)
      expect(availability(entry, { env: { ...env, SANDBOX: undefined }, connectors: [], grantedServices: [] })).toEqual({ available: false, reason: 'capability not configured: SANDBOX' })
    }
    const bash = getEntry('sandbox_bash')
    if (!bash) throw new Error('sandbox_bash')
    expect(availability(bash, { env, connectors: [], grantedServices: [] })).toEqual({ available: true })
  })
})

describe('git_clone', () => {
  it('clones with the agent’s granted GitHub token, which never reaches the model or the events', async ({ expect }) => {
    const t = await createTenant('git')
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Coder' } })
    await call('PUT', `/v1/organizations/${t.orgId}/agents/${agent.body.id}/connectors`, { key: t.key, body: { connector_keys: ['github'] } })
    const cred = await call('POST', `/v1/organizations/${t.orgId}/credentials`, { key: t.key, body: { service_name: 'github', instance_id: 'main', secret: 'ghp_SeCrEt123' } })
    await call('POST', `/v1/organizations/${t.orgId}/agents/${agent.body.id}/grants`, { key: t.key, body: { credential_id: cred.body.id } })

    const s = await startTurn(t, { agent_id: agent.body.id, message: '/tool git_clone {"url":"https://github.com/acme/shop.git","branch":"dev"}' })
    expect(await waitTurn(t, s)).toMatchObject({ status: 'success' })
    const events = await allEvents(s.turn_id)
    expect(JSON.parse(String(events.find((e) => e.type === 'tool_result')?.data.result))).toEqual({
      path: '/workspace/shop',
      branch: 'dev',
      commit: '0123456789abcdef0123456789abcdef01234567',
      authenticated: true,
    })
    const checkout = (await sandboxOf(s.turn_id).calls()).find((c) => c.method === 'gitCheckout')
    expect(checkout).toMatchObject({ repoUrl: 'https://x-access-token:ghp_SeCrEt123@github.com/acme/shop.git', options: { branch: 'dev', targetDir: '/workspace/shop', depth: 1 } })
    expect(JSON.stringify(events)).not.toContain('ghp_SeCrEt123')

    const failed = await startTurn(t, { agent_id: agent.body.id, message: '/tool git_clone {"url":"https://github.com/acme/missing"}' })
    await waitTurn(t, failed)
    const failure = JSON.parse(String((await allEvents(failed.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
    expect(failure).toEqual({ error: 'git clone failed: Failed to clone https://x-access-token:***@github.com/acme/missing: repository not found' })
  })

  it('without a grant the clone is anonymous; credentials in the URL and non-https URLs are refused', async ({ expect }) => {
    const { use, sandbox } = toolsFor()
    expect(await use('git_clone', { url: 'https://gitlab.com/acme/tools', target_dir: 'src/tools', depth: 5 })).toEqual({
      path: '/workspace/src/tools',
      branch: 'main',
      commit: '0123456789abcdef0123456789abcdef01234567',
      authenticated: false,
    })
    expect((await sandbox.calls()).find((c) => c.method === 'gitCheckout')?.repoUrl).toBe('https://gitlab.com/acme/tools')
    expect(await use('git_clone', { url: 'https://me:pw@github.com/acme/x' })).toEqual({ error: 'url: put no credentials in the URL; grants supply them' })
    expect(await use('git_clone', { url: 'ssh://github.com/acme/x' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['url'] }] })
  })
})

describe('bsl_check', () => {
  it('runs the analyzer on a file and returns its diagnostics, errors first, with 1-based lines', async ({ expect }) => {
    const { use, sandbox } = toolsFor()
    await sandbox.writeFile('/workspace/src/Sales/Module.bsl', 'Процедура А()\n    Сообщить("x");\nКонецПроцедуры\nФункция Б()\nКонецФункции\n')
    const result = await use('bsl_check', { path: 'src/Sales/Module.bsl' })
    expect(result).toEqual({
      path: '/workspace/src/Sales/Module.bsl',
      files: 1,
      counts: { error: 1, warning: 0, information: 1, hint: 0 },
      truncated: false,
      diagnostics: [
        { file: '/workspace/src/Sales/Module.bsl', line: 4, column: 1, severity: 'Error', rule: 'FunctionShouldHaveReturnDiagnostic', message: 'Функция не содержит "Возврат"' },
        { file: '/workspace/src/Sales/Module.bsl', line: 2, column: 5, severity: 'Information', rule: 'DeprecatedMessage', message: 'Устаревший метод "Сообщить"' },
      ],
    })
    expect((await sandbox.calls()).find((c) => c.method === 'exec')?.command).toMatch(/^bsl-analyze '\/workspace\/src\/Sales\/Module\.bsl' '\/tmp\/bsl-[0-9a-f-]{36}'$/)
    expect(await use('bsl_check', { path: 'nowhere' })).toEqual({ error: 'bsl-language-server failed (exit 2): bsl-analyze: /workspace/nowhere: no such file or directory' })
  })
})

describe('repl_execute (the SDK code interpreter, scripted)', () => {
  it('defines the seed helpers first, keeps the default Python context, and maps output, results, FINAL and errors', async ({ expect }) => {
    const { use, sandbox } = toolsFor()
    expect(await use('repl_execute', { code: 'print(\'hello\')\nFINAL({"total": 42})' })).toEqual({ stdout: 'hello\n', stderr: '', results: [], error: null, final: { total: 42 }, execution_count: 2 })
    const calls = (await sandbox.calls()).filter((c) => c.method === 'runCode') as unknown as { code: string; options: { language: string; timeout: number } }[]
    expect(calls[0]?.code).toContain('def chunk_indices(n, size)')
    expect(calls[0]?.code).toContain("raise NotImplementedError('llm_query is not available")
    expect(calls.map((c) => c.options)).toEqual([
      { language: 'python', timeout: 120_000 },
      { language: 'python', timeout: 120_000 },
    ])
    expect(await use('repl_execute', { code: '6 * 7', timeout_s: 10 })).toMatchObject({ results: [{ text: '42' }], final: null })
    expect(await use('repl_execute', { code: "raise ValueError('bad value')" })).toMatchObject({
      error: { name: 'ValueError', message: 'bad value', traceback: expect.stringContaining('ValueError: bad value') },
    })
    expect(await use('repl_execute', { code: '' })).toMatchObject({ error: 'invalid arguments', issues: [{ path: ['code'] }] })
  })

  it('an image result becomes an artifact in R2', async ({ expect }) => {
    const { use, spec } = toolsFor()
    const out = await use('repl_execute', { code: 'df.plot()' })
    const id = out.results[0].artifact_id
    expect(await env.FILES?.head(`orgs/${spec.org_id}/artifacts/${id}`)).not.toBeNull()
  })
})
