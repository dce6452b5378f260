import { describe, it } from 'vitest'
import { specErrors } from './helpers/spec'

describe('specErrors (guards the contract tests against a validator that accepts anything)', () => {
  it('rejects bodies that break the shared specs', ({ expect }) => {
    expect(specErrors('codegen', 'AgentRunResponse', {})).not.toEqual([])
    expect(specErrors('codegen', 'AgentRunResponse', { id: '1', organization_id: 1 })).not.toEqual([])
    expect(specErrors('codegen', 'Page_AgentRunResponse_', { items: [{ id: 1 }], total: 1, page: 1, size: 1, pages: 1 })).not.toEqual([])
    expect(specErrors('codegen', 'AgentRunResponse', { id: 1, organization_id: 1 })).toEqual([])
  })
})
