import type { Issue } from '../../errors'
import { outboundRefusal } from '../../lib/net-guard'
import { secretProblem } from './auth'
import { getService } from './index'

interface CredentialInput {
  service_name: string
  secret: string
  base_url?: string | null | undefined
}

/** What is wrong with a credential before it is stored: unknown service, secret format, base_url rule. */
export function credentialIssues(env: { ALLOW_PRIVATE_TARGETS?: string }, input: CredentialInput): Issue[] {
  const service = getService(input.service_name)
  if (!service) return [{ loc: ['body', 'service_name'], msg: `Unknown service "${input.service_name}"; see GET /v1/connectors`, type: 'unknown_service' }]
  const issues: Issue[] = []
  const secret = secretProblem(service, input.secret)
  if (secret) issues.push({ loc: ['body', 'secret'], msg: secret, type: 'secret_format' })
  const base = input.base_url ?? null
  if (base === null && service.base_url_override === 'required') {
    issues.push({ loc: ['body', 'base_url'], msg: `${service.id} credentials need base_url`, type: 'missing' })
  }
  if (base !== null) {
    const devOnly = service.base_url_override === 'dev_only' && !env.ALLOW_PRIVATE_TARGETS?.trim()
    const refused = outboundRefusal(env, base)
    if (devOnly) issues.push({ loc: ['body', 'base_url'], msg: `${service.id} has fixed hosts; base_url is only accepted in local development`, type: 'base_url_not_allowed' })
    else if (refused) issues.push({ loc: ['body', 'base_url'], msg: `base_url refused: ${refused}`, type: 'target_refused' })
  }
  return issues
}
