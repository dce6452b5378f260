import type { Env } from '../env'
import type { RunSpec } from '../runs/types'
import { ToolError } from './tools/types'

/**
 * The Sandbox SDK's Durable Object stub methods the code tools call (`@cloudflare/sandbox`: what
 * `getSandbox(ns, id)` forwards to `stub.exec`, `stub.readFile`, `stub.writeFile`, `stub.destroy`).
 * Declared here so the tools can be exercised against a stand-in of that class offline.
 */
export interface SandboxStub {
  exec(command: string, options?: { timeout?: number; cwd?: string; env?: Record<string, string> }): Promise<ExecResult>
  readFile(path: string, options?: { encoding?: string }): Promise<{ success: boolean; path: string; content: string; encoding?: string }>
  writeFile(path: string, content: string, options?: { encoding?: string }): Promise<{ success: boolean; path: string }>
  gitCheckout(
    repoUrl: string,
    options?: { branch?: string; targetDir?: string; depth?: number; cloneTimeoutMs?: number },
  ): Promise<{ success: boolean; repoUrl: string; branch: string; targetDir: string }>
  /** The code interpreter: without a context, the sandbox's default Python context, whose state persists between calls. */
  runCode(code: string, options?: { language?: 'python'; timeout?: number }): Promise<RunCodeResult>
  destroy(): Promise<void>
}

/** The SDK's ExecutionResult. */
export interface RunCodeResult {
  code: string
  logs: { stdout: string[]; stderr: string[] }
  error?: { name: string; message: string; traceback: string[] }
  executionCount?: number
  results: { text?: string; html?: string; png?: string; jpeg?: string; markdown?: string; json?: unknown }[]
}

export interface ExecResult {
  success: boolean
  exitCode: number
  stdout: string
  stderr: string
  command: string
  duration: number
  timestamp: string
}

/** The namespace bound as SANDBOX: the SDK's `Sandbox` class on a `[[containers]]` image (see README). */
export interface SandboxNamespace {
  getByName(name: string): SandboxStub
}

/** The descriptors' 64 KiB output limit. */
export const MAX_OUTPUT = 64 * 1024
export const WORKDIR = '/workspace'

/**
 * One sandbox per run, by name (lower case: the SDK warns that upper-case ids break preview URLs).
 * It is not destroyed at the run's end: the container sleeps after the SDK's `sleepAfter` idle time
 * (default 10 minutes), which ends its state.
 */
export function sandboxFor(env: Env, spec: RunSpec): SandboxStub {
  if (!env.SANDBOX) throw new ToolError('capability not configured: SANDBOX')
  return env.SANDBOX.getByName(`run-${spec.run_id}`.toLowerCase())
}

/** Keeps the head and the tail of long output, saying how much was cut. */
export function truncate(text: string, max = MAX_OUTPUT): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false }
  const half = Math.floor(max / 2)
  return { text: `${text.slice(0, half)}\n… [${text.length - max} characters cut] …\n${text.slice(-half)}`, truncated: true }
}

/** A path inside the sandbox's workspace: relative paths resolve there, `..` may not climb out. */
export function workspacePath(path: string): string {
  const absolute = path.startsWith('/') ? path : `${WORKDIR}/${path}`
  const parts: string[] = []
  for (const part of absolute.split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (!parts.length) throw new ToolError(`path: ${path} leaves the file system root`)
      parts.pop()
    } else parts.push(part)
  }
  return `/${parts.join('/')}`
}

/** An SDK call that threw (container not ready, file missing) becomes a tool error with its message. */
export async function sdk<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    if (err instanceof ToolError) throw err
    throw new ToolError(`${what}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
