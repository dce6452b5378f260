import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { execFileSync } from 'node:child_process'
import { defineConfig } from 'vitest/config'

/** A fixed 32-byte test key: tests must never depend on .dev.vars (absent on a clean clone). */
export const TEST_ENCRYPTION_KEY = 'dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE='

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  // wrangler.toml's [assets] directory (the console, Scalar's bundle) must exist before workerd starts.
  execFileSync(process.execPath, ['scripts/build-console.mjs'], { stdio: 'ignore' })
  return {
    test: {
      projects: [
        {
          plugins: [
            cloudflareTest(({ inject }) => ({
              wrangler: { configPath: './wrangler.toml' },
              miniflare: {
                bindings: {
                  OPENAI_BASE_URL: `http://127.0.0.1:${inject('fakeOpenAIPort')}/v1`,
                  OPENAI_API_KEY: 'sk-test-fake',
                  // web_search / yandex_image_search against the fake SearXNG on loopback.
                  SEARCH_URL: `http://127.0.0.1:${inject('fakeSearchPort')}`,
                  SEARCH_API_KEY: 'search-key-test',
                  TEST_MIGRATIONS: migrations,
                  ADMIN_TOKEN: 'test-admin-token',
                  FUZZ_RUNS: process.env.FUZZ_RUNS ?? '2',
                  ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
                  DEV_API_KEY: 'ap_dev_key',
                  // Webhook and model tests reach the fake on 127.0.0.1; every other inward form stays refused.
                  ALLOW_PRIVATE_TARGETS: '127.0.0.1',
                },
                // Workers AI, Browser Rendering and Containers cannot run offline: each binding is a local
                // worker implementing its documented interface. AI: run(model, inputs) with the models'
                // output shapes (test/fixtures/ai-stand-in.js). BROWSER: @cloudflare/puppeteer's binding
                // protocol in front of a real headless Chromium from test/global-setup.ts
                // (test/fixtures/browser-stand-in.js). SANDBOX: a Durable Object answering the Sandbox SDK's
                // stub methods from a scripted table (test/fixtures/sandbox-stand-in.js).
                serviceBindings: { AI: { name: 'ai-stand-in', entrypoint: 'AiStandIn' }, BROWSER: 'browser-stand-in' },
                durableObjects: { SANDBOX: { className: 'SandboxStandIn', scriptName: 'sandbox-stand-in' } },
                workers: [
                  { name: 'ai-stand-in', modules: true, scriptPath: 'test/fixtures/ai-stand-in.js', compatibilityDate: '2026-10-01' },
                  { name: 'sandbox-stand-in', modules: true, scriptPath: 'test/fixtures/sandbox-stand-in.js', compatibilityDate: '2026-10-01', durableObjects: { SANDBOX_STAND_IN: 'SandboxStandIn' } },
                  { name: 'browser-stand-in', modules: true, scriptPath: 'test/fixtures/browser-stand-in.js', compatibilityDate: '2026-10-01', bindings: { CHROME_WS: inject('chromiumWs') } },
                ],
                // Queue messages reach the consumer at once instead of after a 1 s batch window.
                queueConsumers: { 'agent-runs': { maxBatchTimeout: 0 }, 'webhook-deliveries': { maxBatchTimeout: 0 } },
              },
            })),
          ],
          test: {
            name: 'workers',
            globalSetup: ['./test/global-setup.ts'],
            setupFiles: ['./test/helpers/apply-migrations.ts'],
            include: ['test/**/*.test.ts'],
            testTimeout: 20_000,
          },
        },
        // The console and /docs in headless Chromium, from Node: `npm start` on a spare port (test/browser).
        { test: { name: 'browser', include: ['test/browser/**/*.e2e.ts'], environment: 'node', testTimeout: 60_000, hookTimeout: 180_000 } },
      ],
    },
  }
})
