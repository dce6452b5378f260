// Starts `scripts/start.sh` on a spare loopback port with a throwaway state dir; stops it (and
// workerd) by process group. `prepare(stateDir)` runs after migrations are applied, before serving.
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** `wrangler: true` serves through `wrangler dev` (npm run dev) instead of npm start's Miniflare path. */
export async function startServer({ port, prepare, wrangler = false } = {}) {
  // State on tmpfs when the machine has one (BENCH_STATE_DIR overrides): the figures are the engine's,
  // not the disk's. Locally every Durable Object is its own SQLite file, and on a disk its fsyncs
  // dominate run creation (~3x slower); Cloudflare's storage is nothing like it.
  const stateRoot = process.env.BENCH_STATE_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir())
  const state = mkdtempSync(join(stateRoot, 'agentplane-bench-'))
  // Throughput is measured against the engine, not the per-key rate limit (600/min by default).
  const env = {
    RATE_LIMIT_KEY_PER_MINUTE: '1000000',
    RATE_LIMIT_ORG_PER_MINUTE: '1000000',
    ...process.env,
    PORT: String(port),
    PERSIST_TO: state,
    WRANGLER_SEND_METRICS: 'false',
    CLOUDFLARE_CF_FETCH_ENABLED: 'false',
  }
  if (prepare) {
    execFileSync('wrangler', ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', state], { env, stdio: 'ignore' })
    await prepare(state, env)
  }
  const server = spawn('bash', ['scripts/start.sh', ...(wrangler ? ['--wrangler'] : [])], { env, detached: true, stdio: ['ignore', 'ignore', 'inherit'] })
  const base = `http://127.0.0.1:${port}`
  const stop = () => {
    try {
      process.kill(-server.pid, 'SIGTERM')
    } catch {}
    rmSync(state, { recursive: true, force: true })
  }
  process.on('exit', stop)
  const end = Date.now() + 60_000
  while (Date.now() < end) {
    try {
      if ((await fetch(`${base}/health`)).ok) return { base, stop }
    } catch {}
    await new Promise((r) => setTimeout(r, 250))
  }
  stop()
  throw new Error('server did not start in 60 s')
}

export const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]
}

/** A hello-world worker on a bare `workerd serve`: the ceiling for any local route. */
export async function startHelloWorkerd(port) {
  const proc = spawn('workerd', ['serve', 'bench/hello/config.capnp', `--socket-addr=http=127.0.0.1:${port}`], { detached: true, stdio: 'ignore' })
  const base = `http://127.0.0.1:${port}`
  const stop = () => {
    try {
      process.kill(-proc.pid, 'SIGTERM')
    } catch {}
  }
  process.on('exit', stop)
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(base)).ok) return { base, stop }
    } catch {}
    await new Promise((r) => setTimeout(r, 100))
  }
  stop()
  throw new Error('workerd did not start')
}
