// AgentInstance page latency at 1k and 100k runs per agent: seeds local D1 directly (one recursive
// CTE per agent), then times GET /api/v2/AgentInstance/:code pages. Loopback only, bounded loops.
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pct, startServer } from './server.mjs'

const PORT = Number(process.env.BENCH_PORT ?? 8797)
const SAMPLES = 60
const AGENTS = [
  { code: 'small', id: '00000000-0000-4000-8000-000000000001', runs: 1_000 },
  { code: 'big', id: '00000000-0000-4000-8000-000000000002', runs: 100_000 },
]

function seedSql() {
  const lines = ["INSERT OR IGNORE INTO organizations (id, name) VALUES (1, 'dev');"]
  for (const a of AGENTS) {
    lines.push(`INSERT INTO agents (id, org_id, kind, code, name, model) VALUES ('${a.id}', 1, 'custom', '${a.code}', '${a.code}', 'dev/echo');`)
    lines.push(`INSERT INTO agent_versions (agent_id, version, name, model, connectors) VALUES ('${a.id}', 1, '${a.code}', 'dev/echo', '[]');`)
    lines.push(`INSERT INTO runs (id, org_id, agent_id, agent_version, channel, name, status, model, input, user_identifier, group_identifier,
        created_at, started_at, ended_at, time_to_first_token_ms, prompt_tokens, completion_tokens, total_tokens, cost_prompt, cost_completion, cost_total)
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${a.runs})
      SELECT '${a.code}-' || i, 1, '${a.id}', 1, 'api', 'run number ' || i, 'success', 'dev/echo', 'seed', 'u' || (i % 100), 'g' || (i % 10),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'), strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || i || ' seconds'),
        strftime('%Y-%m-%dT%H:%M:%fZ', '2026-01-01', '+' || (i + 3) || ' seconds'), 40, 12, 30, 42, 0.000012, 0.00006, 0.000072
      FROM n;`)
  }
  return lines.join('\n')
}

async function p50(base, path) {
  const times = []
  for (let i = 0; i < SAMPLES; i++) {
    const t0 = performance.now()
    const res = await fetch(`${base}${path}`, { headers: { authorization: 'Bearer ap_dev_key' } })
    const body = await res.json()
    if (!res.ok) throw new Error(`${path}: ${res.status} ${JSON.stringify(body)}`)
    times.push(performance.now() - t0)
  }
  return pct(times, 50)
}

const t0 = performance.now()
const { base, stop } = await startServer({
  port: PORT,
  prepare: (state, env) => {
    const file = join(state, 'seed.sql')
    writeFileSync(file, seedSql())
    execFileSync('wrangler', ['d1', 'execute', 'DB', '--local', '--persist-to', state, '--file', file], { env, stdio: 'ignore' })
  },
})
console.log(`seeded ${AGENTS.map((a) => `${a.runs} runs (${a.code})`).join(' + ')} in ${((performance.now() - t0) / 1000).toFixed(1)} s`)
try {
  const rows = []
  for (const [label, query] of [
    ['page 1', ''],
    ['page 1, userIdentifier', '?userIdentifier=u7'],
    ['page 1, version', ''],
    ['page 50', '?page=50'],
  ]) {
    const path = (code) => `/api/v2/AgentInstance/${code}${label.includes('version') ? '/1' : ''}${query}`
    const small = await p50(base, path('small'))
    const big = await p50(base, path('big'))
    rows.push(`${label.padEnd(24)} 1k: ${small.toFixed(1)} ms   100k: ${big.toFixed(1)} ms   ratio ${(big / small).toFixed(2)}`)
  }
  console.log(`AgentInstance page p50 (pageSize 20, ${SAMPLES} requests each):\n  ${rows.join('\n  ')}`)
} finally {
  stop()
}
process.exit(0)
