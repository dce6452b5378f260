import { body, pathParam, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

const owner = pathParam('Repository owner')
const repo = pathParam('Repository name')
const perPage = query('integer', '1–100')
const page = query('integer', 'From 1')
const pagination = 'page += 1 while the page is full (per_page items); the Link header has rel="next".'

/** GitHub REST API (docs.github.com/rest), version 2022-11-28. */
export const github: ServiceDescriptor = {
  id: 'github',
  title: 'GitHub',
  description: 'GitHub REST API: issues, comments, pull requests and repository contents.',
  auth: { kind: 'headers', headers: { Authorization: 'Bearer {secret}' } },
  secret_format: 'a fine-grained or classic personal access token, or an installation token',
  base_url_override: 'allowed',
  headers: { Accept: 'application/vnd.github+json', 'X-GitHub-Api-Version': '2022-11-28', 'User-Agent': 'agentplane-connector' },
  rate_limit_per_minute: 80,
  rate_limit_notes: '5 000 requests an hour per token (80 a minute kept here); secondary limits answer 403/429 with Retry-After, honoured.',
  modules: [
    {
      name: 'issues',
      title: 'Issues',
      base_url: 'https://api.github.com',
      operations: [
        {
          name: 'issues.list',
          method: 'GET',
          path: '/repos/{owner}/{repo}/issues',
          summary: 'Issues (and pull requests) of a repository.',
          mutating: false,
          params: { owner, repo, state: query('string', 'Filter', { enum: ['open', 'closed', 'all'] }), labels: query('string', 'Comma-separated'), per_page: perPage, page },
          pagination,
          response_example: [{ number: 1, title: 'Bug', state: 'open', html_url: 'https://github.com/o/r/issues/1' }],
        },
        {
          name: 'issues.get',
          method: 'GET',
          path: '/repos/{owner}/{repo}/issues/{issue_number}',
          summary: 'One issue.',
          mutating: false,
          params: { owner, repo, issue_number: pathParam('Issue number', 'integer') },
        },
        {
          name: 'issues.create',
          method: 'POST',
          path: '/repos/{owner}/{repo}/issues',
          summary: 'Open an issue.',
          mutating: true,
          params: { owner, repo, title: body('string', 'Title', { required: true }), body: body('string', 'Markdown body'), labels: body('array', 'Labels', { items: 'string' }) },
        },
        {
          name: 'issues.comment',
          method: 'POST',
          path: '/repos/{owner}/{repo}/issues/{issue_number}/comments',
          summary: 'Comment on an issue or pull request.',
          mutating: true,
          params: { owner, repo, issue_number: pathParam('Issue number', 'integer'), body: body('string', 'Markdown', { required: true }) },
        },
      ],
    },
    {
      name: 'pulls',
      title: 'Pull requests',
      base_url: 'https://api.github.com',
      operations: [
        {
          name: 'pulls.list',
          method: 'GET',
          path: '/repos/{owner}/{repo}/pulls',
          summary: 'Pull requests.',
          mutating: false,
          params: { owner, repo, state: query('string', 'Filter', { enum: ['open', 'closed', 'all'] }), per_page: perPage, page },
          pagination,
        },
        {
          name: 'pulls.get',
          method: 'GET',
          path: '/repos/{owner}/{repo}/pulls/{pull_number}',
          summary: 'One pull request.',
          mutating: false,
          params: { owner, repo, pull_number: pathParam('PR number', 'integer') },
        },
        {
          name: 'pulls.create',
          method: 'POST',
          path: '/repos/{owner}/{repo}/pulls',
          summary: 'Open a pull request.',
          mutating: true,
          params: {
            owner,
            repo,
            title: body('string', 'Title', { required: true }),
            head: body('string', 'Branch with the changes', { required: true }),
            base: body('string', 'Target branch', { required: true }),
            body: body('string', 'Description'),
          },
        },
      ],
    },
    {
      name: 'contents',
      title: 'Repository contents',
      base_url: 'https://api.github.com',
      operations: [
        {
          name: 'contents.get',
          method: 'GET',
          path: '/repos/{owner}/{repo}/contents/{path}',
          summary: 'A file (base64 content) or a directory listing.',
          mutating: false,
          params: { owner, repo, path: { ...pathParam('Path in the repository; "/" kept'), keep_slashes: true }, ref: query('string', 'Branch, tag or sha') },
        },
        {
          name: 'contents.put',
          method: 'PUT',
          path: '/repos/{owner}/{repo}/contents/{path}',
          summary: 'Create or update a file (content base64; sha of the old blob to update).',
          mutating: true,
          params: {
            owner,
            repo,
            path: { ...pathParam('Path in the repository'), keep_slashes: true },
            message: body('string', 'Commit message', { required: true }),
            content: body('string', 'Base64 content', { required: true }),
            sha: body('string', 'Blob sha being replaced'),
            branch: body('string', 'Branch'),
          },
        },
      ],
    },
  ],
  recipes: [{ name: 'Triage open issues', steps: ['issues.list state=open per_page=50', 'issues.comment on the ones that need an answer (needs write)'] }],
}
