import { applyD1Migrations, env } from 'cloudflare:test'

// Storage is per test file; this runs before each file, applying only what is missing.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS)
