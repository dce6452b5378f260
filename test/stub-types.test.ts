import { env } from 'cloudflare:workers'
import { describe, expectTypeOf, it } from 'vitest'
import type { RunObject } from '../durable-objects/run'
import type { ThreadObject } from '../durable-objects/thread'
import { type RunStub, runStub, type ThreadStub, threadStub } from '../workers/runs/stubs'
import type { MultitaskStrategy } from '../workers/runs/types'

// The type assertions below fail `npm run typecheck` (part of CI) when a stub stops following its class.
describe('stub types are derived from the Durable Object classes', () => {
  it('a RunObject signature reaches every caller', ({ expect }) => {
    expectTypeOf<Parameters<RunStub['cancel']>>().toEqualTypeOf<Parameters<RunObject['cancel']>>()
    expectTypeOf<Parameters<RunStub['cancel']>>().toEqualTypeOf<[reason?: string]>()
    expectTypeOf<Parameters<RunStub['append']>>().toEqualTypeOf<Parameters<RunObject['append']>>()
    const stub = runStub(env, `stub-types-${crypto.randomUUID()}`)
    const misuse = () => {
      // @ts-expect-error -- cancel takes a reason string: a number must not typecheck
      void stub.cancel(1)
    }
    expect(typeof misuse).toBe('function')
  })

  it('a ThreadObject signature reaches every caller', async ({ expect }) => {
    expectTypeOf<Parameters<ThreadStub['admit']>>().toEqualTypeOf<Parameters<ThreadObject['admit']>>()
    expectTypeOf<Parameters<ThreadStub['admit']>[2]>().toEqualTypeOf<MultitaskStrategy>()
    const id = `stub-types-${crypto.randomUUID()}`
    const state = await threadStub(env, id).create(id)
    expect(state).toMatchObject({ thread_id: id, exists: true, status: 'idle', active_run: null })
  })

  it('test-only methods are not part of the RPC surface', () => {
    expectTypeOf<RunObject>().not.toHaveProperty('events')
    expectTypeOf<RunObject>().not.toHaveProperty('d1Writes')
  })
})
