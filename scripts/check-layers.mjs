// The layer rules of CONTRIBUTING.md, checked over every import (CI: .ci/run, npm run lint).
// Type-only imports count too, except where a rule says otherwise: a type edge is still a coupling.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'

const root = resolve(dirname(new URL(import.meta.url).pathname), '..')
const files = []
const walk = (dir) => {
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name)
    if (statSync(join(root, path)).isDirectory()) walk(path)
    else if (path.endsWith('.ts')) files.push(path)
  }
}
walk('workers')
walk('durable-objects')

const IMPORT = /^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+'([^']+)'|^\s*import\s+'([^']+)'/gm
const under = (path, dir) => path === dir || path.startsWith(`${dir}/`)

/** [who, what it imports, is it a type-only import] → a broken rule's text, or undefined. */
const RULES = [
  (from, to) =>
    under(from, 'durable-objects') &&
    ['workers/routes', 'workers/runtime', 'workers/webhooks'].find((d) => under(to, d)) &&
    'a Durable Object imports nothing from routes/, runtime/ or webhooks/ (pin what it needs into the run spec)',
  (from, to, typeOnly) => under(from, 'workers/runs') && under(to, 'durable-objects') && !typeOnly && 'runs/ never imports Durable Object values (types only: stubs are derived from the classes)',
  (from, to) => under(from, 'workers/db') && under(to, 'workers/schemas') && 'db/ never imports schemas/ (the dialect maps API shapes to rows)',
  (from, to, typeOnly) =>
    under(from, 'workers/db') &&
    !(typeOnly && to === 'workers/runs/types.ts') &&
    ['workers/routes', 'workers/runs', 'workers/runtime', 'workers/webhooks'].find((d) => under(to, d)) &&
    'db/ is the bottom layer: it imports nothing from routes/, runs/, runtime/ or webhooks/ (callers pass what it needs; type imports of runs/types.ts, the engine types, excepted)',
  (from, to) => under(from, 'workers/routes') && to === 'workers/runs/stubs.ts' && 'a dialect never calls a stub: it calls the service (workers/runs/)',
  (from, to) => under(from, 'workers/routes') && under(to, 'durable-objects') && 'a dialect never imports a Durable Object',
]
/** Calls that reach a Durable Object without the stub helpers. */
const STUB_CALL = /\benv\.(RUNS|THREADS)\b|\.getByName\(/

const broken = []
/** file → the files it imports values from (what runs when it loads). */
const valueImports = new Map()
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8')
  valueImports.set(file, [])
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[3] ?? m[4]
    if (!spec?.startsWith('.')) continue
    let to = relative(root, resolve(root, dirname(file), spec))
    if (!to.endsWith('.ts')) to = `${to}.ts`
    if (!m[2]) valueImports.get(file).push(to)
    for (const rule of RULES) {
      const why = rule(file, to, Boolean(m[2]))
      if (why) broken.push(`${file} → ${to}: ${why}`)
    }
  }
  if (under(file, 'workers/routes') && STUB_CALL.test(text)) broken.push(`${file}: a dialect never calls a stub: it calls the service (workers/runs/)`)
}

// Rule 1 holds for what a Durable Object loads at all, not only what it names: follow value imports.
const FORBIDDEN_FOR_DO = ['workers/routes', 'workers/runtime', 'workers/webhooks']
for (const file of files.filter((f) => under(f, 'durable-objects'))) {
  const seen = new Map([[file, null]])
  const queue = [file]
  while (queue.length) {
    const at = queue.shift()
    for (const to of valueImports.get(at) ?? []) {
      if (seen.has(to)) continue
      seen.set(to, at)
      if (FORBIDDEN_FOR_DO.some((d) => under(to, d))) {
        const path = [to]
        for (let p = at; p; p = seen.get(p)) path.unshift(p)
        broken.push(`${path.join(' → ')}: a Durable Object loads nothing from routes/, runtime/ or webhooks/, not even through another module`)
      } else queue.push(to)
    }
  }
}

if (broken.length) {
  console.error(`layer check: ${broken.length} broken rule(s)\n${broken.join('\n')}`)
  process.exit(1)
}
console.log(`layer check: ${files.length} files, every import follows CONTRIBUTING.md`)
