// npm start's server: the worker bundled by wrangler (the same bundle `wrangler deploy` uploads) and
// served by Miniflare straight on workerd's socket, without wrangler dev's proxy worker, inspector and
// reload layers (those cost ~95% of a bare route's throughput on 2 cores). Bindings come from the same
// wrangler.toml through wrangler's own translation, and the state lives where `wrangler dev
// --persist-to` keeps it, so `npm start` and `npm run dev` (wrangler dev) share one local database.
// Cron triggers fire every minute here; wrangler dev only fires them on /cdn-cgi/local/scheduled.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { Miniflare, convertV4MiniflareOptions } from 'miniflare'
import wrangler from 'wrangler'

const root = resolve(import.meta.dirname, '..')
const port = Number(process.env.PORT ?? 8787)
const persistTo = resolve(root, process.env.PERSIST_TO ?? '.wrangler/state')
const outdir = join(persistTo, 'build')

/** KEY=VALUE lines, as wrangler reads .dev.vars (quotes stripped, # comments skipped). */
function devVars() {
  const file = join(root, '.dev.vars')
  if (!existsSync(file)) return {}
  const vars = {}
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line)
    if (m) vars[m[1]] = m[2].replace(/^(['"])(.*)\1$/, '$2')
  }
  return vars
}

/**
 * [vars] overrides, as `wrangler dev` takes them: `--var NAME:VALUE` arguments, or a [vars] key set in
 * the environment (the benches lift the rate limits so).
 */
function varOverrides(vars) {
  const out = Object.fromEntries(Object.keys(vars ?? {}).flatMap((k) => (process.env[k] === undefined ? [] : [[k, process.env[k]]])))
  const args = process.argv.slice(2)
  for (let i = 0; i < args.length; i++) {
    const spec = args[i] === '--var' ? args[++i] : args[i]?.startsWith('--var=') ? args[i].slice(6) : undefined
    const m = spec ? /^([A-Za-z_][A-Za-z0-9_]*):(.*)$/.exec(spec) : null
    if (m) out[m[1]] = m[2]
  }
  return out
}

/**
 * The modules wrangler wrote: index.js, plus the files its [[rules]] attach (the tool catalog's YAML
 * as Text, hashed names), each typed by extension as wrangler's default and project rules do.
 */
function bundleModules() {
  const typeOf = (file) => (/\.m?js$/.test(file) ? 'ESModule' : file.endsWith('.wasm') ? 'CompiledWasm' : file.endsWith('.bin') ? 'Data' : 'Text')
  const files = readdirSync(outdir).filter((f) => f !== 'README.md' && !f.endsWith('.map'))
  return [DIRECT_ENTRY, ...files.filter((f) => f !== DIRECT_ENTRY)].map((f) => ({ type: typeOf(f), path: join(outdir, f) }))
}

// A fresh build directory: hashed module names change with their content.
rmSync(outdir, { recursive: true, force: true })
mkdirSync(outdir, { recursive: true })
// wrangler's bundler (esbuild + its nodejs_compat polyfills), offline: the deploy bundle, not a look-alike.
execFileSync('wrangler', ['deploy', '--dry-run', '--outdir', outdir, '--config', join(root, 'wrangler.toml')], {
  cwd: root,
  stdio: ['ignore', 'ignore', 'inherit'],
})

/**
 * The main module Miniflare loads: the bundle as it is, plus a named entrypoint for the client socket.
 * With [assets], Miniflare routes a socket's default entrypoint through its assets RPC proxy and router
 * workers (two more isolates per request); a named one reaches the worker directly. The worker already
 * runs first and serves /console and /docs from env.ASSETS itself (run_worker_first), so nothing changes
 * for a client. On Cloudflare the router is part of the platform: no such hop to skip.
 */
const DIRECT_ENTRY = 'direct-entry.mjs'
writeFileSync(
  join(outdir, DIRECT_ENTRY),
  `import { WorkerEntrypoint } from 'cloudflare:workers'
import worker from './index.js'
export * from './index.js'
export default worker
export class DirectHttp extends WorkerEntrypoint {
  fetch(request) {
    return worker.fetch(request, this.env, this.ctx)
  }
}
`,
)

const { workerOptions } = wrangler.unstable_getMiniflareWorkerOptions(join(root, 'wrangler.toml'))
const { modulesRules: _rules, rootPath: _root, ...worker } = workerOptions
// wrangler describes bindings in Miniflare's v4 option shape; Miniflare 5 converts them itself.
const mf = new Miniflare(
  convertV4MiniflareOptions({
    // Miniflare's own entry socket (on a spare port) only carries the cron ticks below.
    host: '127.0.0.1',
    port: 0,
    ...(process.env.INSPECTOR_PORT ? { inspectorPort: Number(process.env.INSPECTOR_PORT) } : {}),
    // The layout `wrangler dev --persist-to` and `wrangler d1 migrations apply --persist-to` use.
    resourcePersistencePath: join(persistTo, 'v3'),
    unsafeTriggerHandlers: true,
    workers: [
      {
        ...worker,
        name: 'agentplane',
        modules: bundleModules(),
        modulesRoot: outdir,
        bindings: { ...workerOptions.bindings, ...devVars(), ...varOverrides(workerOptions.bindings) },
        // Clients reach the worker on a socket of its own, skipping Miniflare's entry worker: half the
        // hops of a request, and the throughput of a bare `workerd serve`.
        unsafeDirectSockets: [{ host: '127.0.0.1', port, entrypoint: 'DirectHttp' }],
      },
    ],
  }),
)
const url = await mf.ready
console.error(`serving on http://127.0.0.1:${port} (Miniflare, state in ${persistTo})`)
warnIfFewFiles()

/**
 * workerd keeps a Durable Object's SQLite files open (3 descriptors) until 10 s after its last call,
 * and every run has one: at 230 session turns a second the process held 15,000 descriptors. Past the
 * open-files limit new objects fail to open (SQLITE_CANTOPEN), so say so at start when the limit is low.
 */
function warnIfFewFiles() {
  const limits = existsSync('/proc/self/limits') ? readFileSync('/proc/self/limits', 'utf8') : ''
  const soft = Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.POSITIVE_INFINITY)
  if (soft < 65_536)
    console.error(`note: open files limit ${soft}; each run (and a session's thread) holds 3 files for ~10 s, so about ${Math.floor(soft / 30)} objects made per second at most (raise it: ulimit -n)`)
}

// One tick per cron per minute, aligned to the minute like Cloudflare's scheduler; ticks are idempotent
// per slot (the cron job claims each slot in D1), so a late or doubled tick starts nothing twice.
const crons = workerOptions.cronTriggers ?? []
function scheduleTick() {
  const wait = 60_000 - (Date.now() % 60_000)
  setTimeout(async () => {
    for (const cron of crons) {
      try {
        const res = await mf.dispatchFetch(`${url.origin}/cdn-cgi/local/scheduled?cron=${encodeURIComponent(cron)}`)
        await res.arrayBuffer()
      } catch (err) {
        console.error(`cron ${cron} failed: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    scheduleTick()
  }, wait).unref()
}
scheduleTick()

const stop = async () => {
  await mf.dispose()
  process.exit(0)
}
process.on('SIGINT', stop)
process.on('SIGTERM', stop)
