import { body, pathParam, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

const id = pathParam('Project id or URL-encoded path (group/project)')
const perPage = query('integer', '1–100')
const page = query('integer', 'From 1')
const pagination = 'page += 1 while x-next-page is set (per_page items a page).'

/** GitLab REST API v4 (docs.gitlab.com/api); a self-hosted instance goes in the credential's base_url. */
export const gitlab: ServiceDescriptor = {
  id: 'gitlab',
  title: 'GitLab',
  description: 'GitLab REST API v4: issues, notes, merge requests and repository files (gitlab.com or self-hosted).',
  auth: { kind: 'headers', headers: { Authorization: 'Bearer {secret}' } },
  secret_format: 'a personal, project or group access token (scope api or read_api)',
  base_url_override: 'allowed',
  rate_limit_per_minute: 300,
  rate_limit_notes: 'gitlab.com allows 2 000 authenticated API requests a minute; self-hosted varies. 429 Retry-After honoured.',
  modules: [
    {
      name: 'issues',
      title: 'Issues',
      base_url: 'https://gitlab.com/api/v4',
      operations: [
        {
          name: 'issues.list',
          method: 'GET',
          path: '/projects/{id}/issues',
          summary: 'Issues of a project.',
          mutating: false,
          params: { id, state: query('string', 'Filter', { enum: ['opened', 'closed', 'all'] }), labels: query('string', 'Comma-separated'), per_page: perPage, page },
          pagination,
          response_example: [{ iid: 1, title: 'Bug', state: 'opened', web_url: 'https://gitlab.com/g/p/-/issues/1' }],
        },
        {
          name: 'issues.create',
          method: 'POST',
          path: '/projects/{id}/issues',
          summary: 'Open an issue.',
          mutating: true,
          params: { id, title: body('string', 'Title', { required: true }), description: body('string', 'Markdown'), labels: body('string', 'Comma-separated') },
        },
        {
          name: 'issues.note',
          method: 'POST',
          path: '/projects/{id}/issues/{issue_iid}/notes',
          summary: 'Comment on an issue.',
          mutating: true,
          params: { id, issue_iid: pathParam('Issue iid', 'integer'), body: body('string', 'Markdown', { required: true }) },
        },
      ],
    },
    {
      name: 'merge_requests',
      title: 'Merge requests',
      base_url: 'https://gitlab.com/api/v4',
      operations: [
        {
          name: 'merge_requests.list',
          method: 'GET',
          path: '/projects/{id}/merge_requests',
          summary: 'Merge requests.',
          mutating: false,
          params: { id, state: query('string', 'Filter', { enum: ['opened', 'closed', 'merged', 'all'] }), per_page: perPage, page },
          pagination,
        },
        {
          name: 'merge_requests.create',
          method: 'POST',
          path: '/projects/{id}/merge_requests',
          summary: 'Open a merge request.',
          mutating: true,
          params: {
            id,
            source_branch: body('string', 'Branch with the changes', { required: true }),
            target_branch: body('string', 'Target branch', { required: true }),
            title: body('string', 'Title', { required: true }),
            description: body('string', 'Description'),
          },
        },
      ],
    },
    {
      name: 'repository',
      title: 'Repository files',
      base_url: 'https://gitlab.com/api/v4',
      operations: [
        {
          name: 'files.get',
          method: 'GET',
          path: '/projects/{id}/repository/files/{file_path}',
          summary: 'A file (base64 content) at a ref.',
          mutating: false,
          params: { id, file_path: pathParam('Path of the file (URL-encoded by the executor)'), ref: query('string', 'Branch, tag or sha', { required: true }) },
        },
        {
          name: 'tree.list',
          method: 'GET',
          path: '/projects/{id}/repository/tree',
          summary: 'Files and directories.',
          mutating: false,
          params: { id, path: query('string', 'Directory'), ref: query('string', 'Branch, tag or sha'), per_page: perPage, page },
          pagination,
        },
      ],
    },
  ],
  recipes: [{ name: 'Review open merge requests', steps: ['merge_requests.list state=opened', 'issues.note or a comment per MR (needs write)'] }],
}
