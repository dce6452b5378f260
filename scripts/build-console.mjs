// Builds the static assets wrangler serves ([assets] in wrangler.toml): the console (esbuild,
// hono/jsx/dom) and Scalar's standalone bundle for /docs, copied from node_modules (no CDN).
// Called by scripts/start.sh and vitest.config.ts, so `npm start` and `npm test` need no extra step.
import { build } from 'esbuild'
import { copyFileSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
export const ASSETS_DIR = join(root, 'build', 'public')

/** Writes build/public/{console,docs}; returns the console bundle's size in bytes. */
export async function buildAssets() {
  const out = join(ASSETS_DIR, 'console')
  mkdirSync(out, { recursive: true })
  mkdirSync(join(ASSETS_DIR, 'docs'), { recursive: true })
  const result = await build({
    entryPoints: [join(root, 'console', 'main.tsx')],
    outfile: join(out, 'app.js'),
    bundle: true,
    minify: true,
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'hono/jsx/dom',
    metafile: true,
    logLevel: 'warning',
  })
  copyFileSync(join(root, 'console', 'index.html'), join(out, 'index.html'))
  copyFileSync(join(root, 'console', 'style.css'), join(out, 'style.css'))
  // Not in the package's `exports`, so it is read from the direct devDependency's folder.
  const scalar = join(root, 'node_modules', '@scalar', 'api-reference', 'dist', 'browser', 'standalone.js')
  copyFileSync(scalar, join(ASSETS_DIR, 'docs', 'scalar.js'))
  return Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0)
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const bytes = await buildAssets()
  console.log(`console bundle: ${(bytes / 1024).toFixed(1)} KiB`)
}
