import { z } from 'zod'
import { createDb } from '../../db/client'
import { secretContext } from '../../db/credentials'
import { grantedCredential } from '../../db/grants'
import { decryptSecret } from '../../lib/crypto'
import { outboundRefusal } from '../../lib/net-guard'
import { sandboxFor, WORKDIR, workspacePath } from '../sandbox'
import { defineTool, type ToolContext, ToolError } from './types'

/** Hosts whose token goes in the clone URL, by the user name each expects (GitHub and GitLab docs). */
const HOSTS: Record<string, { service: string; user: string }> = {
  'github.com': { service: 'github', user: 'x-access-token' },
  'gitlab.com': { service: 'gitlab', user: 'oauth2' },
}

/** The agent's granted token for the repository's host, when the agent allows that connector and has a read grant. */
async function tokenFor(ctx: ToolContext, host: string): Promise<{ user: string; token: string } | undefined> {
  const known = HOSTS[host]
  if (!known || !ctx.spec.connectors.includes(known.service)) return undefined
  const credential = await grantedCredential(createDb(ctx.env.DB), ctx.spec.org_id, ctx.spec.agent_id, known.service, 'read')
  if (!credential || !ctx.env.ENCRYPTION_KEY) return undefined
  const token = await decryptSecret(ctx.env.ENCRYPTION_KEY, credential.secretCiphertext, secretContext(ctx.spec.org_id, credential.id))
  return { user: known.user, token }
}

export const gitClone = defineTool({
  name: 'git_clone',
  input: z.object({
    url: z.url({ protocol: /^https$/, error: 'an https URL of a repository' }).max(500),
    branch: z
      .string()
      .regex(/^[\w./-]{1,200}$/, 'a branch or tag name')
      .optional(),
    depth: z.number().int().min(1).max(1000).optional(),
    target_dir: z.string().min(1).max(300).optional(),
  }),
  run: async (args, ctx) => {
    const url = new URL(args.url)
    if (url.username || url.password) throw new ToolError('url: put no credentials in the URL; grants supply them')
    const refused = outboundRefusal(ctx.env, args.url)
    if (refused) throw new ToolError(`url: refused: ${refused}`)
    const repo =
      url.pathname
        .replace(/\.git$/, '')
        .split('/')
        .filter(Boolean)
        .pop() ?? 'repo'
    const targetDir = workspacePath(args.target_dir ?? `${WORKDIR}/${repo}`)
    const auth = await tokenFor(ctx, url.hostname)
    const cloneUrl = new URL(args.url)
    if (auth) {
      cloneUrl.username = auth.user
      cloneUrl.password = auth.token
    }
    const sandbox = sandboxFor(ctx.env, ctx.spec)
    // The SDK's errors may quote the URL: the token is cut from anything the model sees.
    const redact = (text: string) => (auth ? text.split(auth.token).join('***').split(encodeURIComponent(auth.token)).join('***') : text)
    try {
      const out = await sandbox.gitCheckout(cloneUrl.toString(), { targetDir, depth: args.depth ?? 1, cloneTimeoutMs: 110_000, ...(args.branch ? { branch: args.branch } : {}) })
      if (!out.success) throw new ToolError('git clone failed')
      const head = await sandbox.exec(`git -C '${targetDir}' rev-parse HEAD`, { timeout: 10_000 })
      return { kind: 'result', result: JSON.stringify({ path: targetDir, branch: out.branch, commit: head.exitCode === 0 ? head.stdout.trim() : null, authenticated: auth !== undefined }) }
    } catch (err) {
      throw new ToolError(redact(`git clone failed: ${err instanceof Error ? err.message : String(err)}`))
    }
  },
})
