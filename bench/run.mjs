// npm run bench — starts `npm start` on a spare port with its own state, then measures:
//  1. create-run requests/s (POST /v1/sessions/stream, POST /acp/runs) vs a bare Hono route (GET /health) on the same server
//  2. POST → first SSE event and → first token, p50/p95
//  3. one run × 200 SSE subscribers, every one receiving every event
// Loopback only; every loop is bounded in count and time; the server is stopped at the end.
import { pct, startHelloWorkerd, startServer } from './server.mjs'

const PORT = Number(process.env.BENCH_PORT ?? 8799)
const KEY = { authorization: 'Bearer ap_dev_key', 'content-type': 'application/json' }
const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16)
const SUBSCRIBERS = 200

const ms = (n) => `${n.toFixed(1)} ms`

/** Requests/s of `once` with CONCURRENCY callers for DURATION_MS. */
async function throughput(once) {
  let done = 0
  let failed = 0
  const end = Date.now() + DURATION_MS
  const started = performance.now()
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < end) {
        const res = await once()
        if (res.ok) done++
        else failed++
        await res.body?.cancel()
      }
    }),
  )
  return { rps: done / ((performance.now() - started) / 1000), failed }
}

/** Reads SSE frames; resolves with the events (and when the first one and first token came). */
async function readStream(res, t0) {
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader()
  const events = []
  let first, firstToken
  let buf = ''
  for (;;) {
    const { value, done } = await reader.read()
    if (done) break
    buf += value
    for (let i = buf.indexOf('\n\n'); i >= 0; i = buf.indexOf('\n\n')) {
      const frame = buf.slice(0, i)
      buf = buf.slice(i + 2)
      const event = /^event: (.*)$/m.exec(frame)?.[1]
      if (!event) continue
      const id = Number(/^id: (.*)$/m.exec(frame)?.[1])
      first ??= performance.now() - t0
      if (event === 'message_delta') firstToken ??= performance.now() - t0
      events.push(id)
    }
  }
  return { events, first, firstToken }
}

const startTurn = (message) => fetch(`${BASE}/v1/sessions/stream`, { method: 'POST', headers: KEY, body: JSON.stringify({ message }) })
const stream = (s) => fetch(`${BASE}/v1/sessions/${s.session_id}/turns/${s.turn_id}/stream`, { headers: KEY })

// The serving path alone: hello-world on bare workerd, then /health under wrangler dev (npm run dev).
const hello = await startHelloWorkerd(PORT + 1)
const helloRps = (await throughput(() => fetch(hello.base))).rps
hello.stop()
const dev = await startServer({ port: PORT + 2, wrangler: true })
await (await fetch(`${dev.base}/health`)).text()
const devRps = (await throughput(() => fetch(`${dev.base}/health`))).rps
dev.stop()

const { base: BASE, stop } = await startServer({ port: PORT })
try {
  for (let i = 0; i < 20; i++) await (await startTurn('warm up')).text()
  await (await fetch(`${BASE}/health`)).text()

  const bare = await throughput(() => fetch(`${BASE}/health`))
  const create = await throughput(() => startTurn('hi'))
  await new Promise((r) => setTimeout(r, 2000)) // the runs just created end first
  const acp = await throughput(() => fetch(`${BASE}/acp/runs`, { method: 'POST', headers: KEY, body: JSON.stringify({ input: 'hi' }) }))
  console.log(
    `bare route: hello-world on workerd serve ${helloRps.toFixed(0)} req/s | /health under npm start ${bare.rps.toFixed(0)} (${((100 * bare.rps) / helloRps).toFixed(0)}%) | under wrangler dev (npm run dev) ${devRps.toFixed(0)} (${((100 * devRps) / helloRps).toFixed(0)}%)`,
  )
  console.log(
    `create-run (each run also executed meanwhile): /v1/sessions/stream ${create.rps.toFixed(0)} req/s (${create.failed} failed), ACP /acp/runs ${acp.rps.toFixed(0)} req/s (${acp.failed} failed) | bare route ${bare.rps.toFixed(0)} req/s | ratios ${(create.rps / bare.rps).toFixed(3)}, ${(acp.rps / bare.rps).toFixed(3)}  [${CONCURRENCY} concurrent, ${DURATION_MS / 1000} s each]`,
  )
  await new Promise((r) => setTimeout(r, 3000)) // let the queue drain the runs just created

  const firsts = []
  const tokens = []
  for (let i = 0; i < 40; i++) {
    const t0 = performance.now()
    const s = await (await startTurn('latency probe')).json()
    const r = await readStream(await stream(s), t0)
    firsts.push(r.first)
    tokens.push(r.firstToken)
  }
  console.log(`POST → first SSE event: p50 ${ms(pct(firsts, 50))}, p95 ${ms(pct(firsts, 95))} | POST → first token: p50 ${ms(pct(tokens, 50))}, p95 ${ms(pct(tokens, 95))}  [40 sequential turns]`)

  const s = await (await startTurn('/slow 10 /tokens 300')).json()
  const t0 = performance.now()
  const results = await Promise.all(Array.from({ length: SUBSCRIBERS }, async () => readStream(await stream(s), t0)))
  const counts = results.map((r) => r.events.length)
  const expected = Math.max(...counts)
  const complete = results.filter((r) => r.events.length === expected && r.events.every((id, i) => id === i + 1)).length
  const total = performance.now() - t0
  console.log(`1 run × ${SUBSCRIBERS} subscribers: ${complete}/${SUBSCRIBERS} received all ${expected} events in order; stream done in ${ms(total)} (run streams 300 tokens at 10 ms each)`)
} finally {
  stop()
}
process.exit(0)
