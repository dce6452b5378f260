import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin'
import { defineConfig } from 'vitest/config'

/** A fixed 32-byte test key: tests must never depend on .dev.vars (absent on a clean clone). */
export const TEST_ENCRYPTION_KEY = 'dGVzdC1lbmNyeXB0aW9uLWtleS0zMi1ieXRlcyEhISE='

export default defineConfig(async () => {
  const migrations = await readD1Migrations('migrations')
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: './wrangler.toml' },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            ADMIN_TOKEN: 'test-admin-token',
            ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
            DEV_API_KEY: 'ap_dev_key',
          },
          // Queue messages reach the consumer at once instead of after a 1 s batch window.
          queueConsumers: { 'agent-runs': { maxBatchTimeout: 0 } },
        },
      }),
    ],
    test: {
      setupFiles: ['./test/helpers/apply-migrations.ts'],
      include: ['test/**/*.test.ts'],
      testTimeout: 20_000,
    },
  }
})
