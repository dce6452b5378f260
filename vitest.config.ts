import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

/** A fixed 32-byte test key: tests must never depend on .dev.vars (absent on a clean clone). */
export const TEST_ENCRYPTION_KEY = 'dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE='

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  return {
    plugins: [
      cloudflareTest(({ inject }) => ({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            OPENAI_BASE_URL: `http://127.0.0.1:${inject('fakeOpenAIPort')}/v1`,
            OPENAI_API_KEY: 'sk-test-fake',
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: 'test-admin-token',
            FUZZ_RUNS: process.env.FUZZ_RUNS ?? '2',
            ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
            DEV_API_KEY: 'ap_dev_key',
            // Webhook and model tests reach the fake on 127.0.0.1; every other inward form stays refused.
            ALLOW_PRIVATE_TARGETS: '127.0.0.1',
          },
          // Queue messages reach the consumer at once instead of after a 1 s batch window.
          queueConsumers: { 'agent-runs': { maxBatchTimeout: 0 }, 'webhook-deliveries': { maxBatchTimeout: 0 } },
        },
      })),
    ],
    test: {
      globalSetup: ['./test/global-setup.ts'],
      setupFiles: ['./test/helpers/apply-migrations.ts'],
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
    },
  }
})
