// Starts `npm start` (scripts/start.sh) on a spare loopback port with a throwaway state dir and
// stops it, with wrangler and workerd, by process group (TOOLCHAIN.md: killing the pid alone leaves them).
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface RunningServer {
  base: string
  stop: () => void
}

/** A port the OS just handed out and released: free at the moment wrangler binds it. */
function sparePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.once('error', reject)
    s.listen(0, '127.0.0.1', () => {
      const address = s.address()
      const port = typeof address === 'object' && address ? address.port : 0
      s.close(() => resolve(port))
    })
  })
}

export async function startServer(): Promise<RunningServer> {
  const port = await sparePort()
  const state = mkdtempSync(join(tmpdir(), 'agentplane-e2e-'))
  const env = { ...process.env, PORT: String(port), PERSIST_TO: state, WRANGLER_SEND_METRICS: 'false', CLOUDFLARE_CF_FETCH_ENABLED: 'false' }
  const child = spawn('bash', ['scripts/start.sh'], { env, detached: true, stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr?.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)))
  const base = `http://127.0.0.1:${port}`
  const stop = () => {
    try {
      if (child.pid) process.kill(-child.pid, 'SIGTERM')
    } catch {
      // already gone
    }
    rmSync(state, { recursive: true, force: true })
  }
  process.once('exit', stop)
  // Polls /health until wrangler answers: startup (build, migrations, workerd) has no event to await.
  for (let i = 0; i < 480; i++) {
    if (child.exitCode !== null) break
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, stop }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  stop()
  throw new Error(`server did not start: ${stderr}`)
}
