// npm run fuzz — the fuzz suite (test/fuzz.test.ts) with more generated cases per kind:
// FUZZ_RUNS (default 20; `npm test` uses 2) from the same fixed seed, inside workerd against real
// local D1, Durable Objects and Queues. Prints `requests N, 5xx 0` and exits non-zero on any failure.
import { spawnSync } from 'node:child_process'

const runs = process.env.FUZZ_RUNS ?? '20'
const started = Date.now()
const out = spawnSync('npx', ['vitest', 'run', 'test/fuzz.test.ts'], { env: { ...process.env, FUZZ_RUNS: runs }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
const text = `${out.stdout}\n${out.stderr}`
const summary = /fuzz: operations (\d+), requests (\d+), 5xx (\d+), failures (\d+)/.exec(text)
if (!summary) {
  console.error(text.slice(-4000))
  process.exit(1)
}
const [, ops, requests, fivexx, failures] = summary
console.log(`FUZZ_RUNS ${runs}: operations ${ops}, ${((Date.now() - started) / 1000).toFixed(0)} s`)
console.log(`requests ${requests}, 5xx ${fivexx}`)
if (failures !== '0' || out.status !== 0) {
  console.error(
    text
      .split('\n')
      .filter((l) => / → \d{3}/.test(l))
      .slice(0, 50)
      .join('\n'),
  )
  process.exit(1)
}
