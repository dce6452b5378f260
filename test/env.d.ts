// Test-only globals: `env` and `exports` from cloudflare:workers as the tests see them.
import type { D1Migration } from 'cloudflare:test'
import type { Env as AppEnv } from '../workers/env'

declare global {
  namespace Cloudflare {
    /** The app's bindings plus the migrations vitest.config.ts reads for the setup file. */
    interface Env extends AppEnv {
      TEST_MIGRATIONS: D1Migration[]
      /** The fuzz suite's cases per kind (bench/fuzz.mjs raises it). */
      FUZZ_RUNS?: string
    }
    /** Types `exports.default` from cloudflare:workers as this worker's default export. */
    interface GlobalProps {
      mainModule: typeof import('../workers/index')
    }
  }
}
