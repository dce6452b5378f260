import { body, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

/** Any HTTPS API: the credential holds the base URL and one header; the model chooses method and path. */
export const http: ServiceDescriptor = {
  id: 'http',
  title: 'HTTP',
  description: 'Generic HTTPS requests to the base URL stored with the credential, authenticated by its header.',
  auth: { kind: 'header_template' },
  secret_format: 'JSON {"header": "X-Api-Key", "value": "<key>"} (e.g. {"header":"Authorization","value":"Bearer …"}); the credential needs base_url',
  base_url_override: 'required',
  rate_limit_per_minute: 60,
  rate_limit_notes: 'Unknown upstream: 60 a minute per credential; 429 Retry-After honoured.',
  modules: [
    {
      name: 'http',
      title: 'Requests',
      base_url: null,
      operations: [
        {
          name: 'get',
          method: 'GET',
          path: '/{path}',
          summary: 'GET base_url/path.',
          mutating: false,
          params: {
            path: { in: 'path', type: 'string', required: true, keep_slashes: true, description: 'Path under the base URL, no leading slash; "/" kept' },
            query: query('object', 'Query parameters {name: value}'),
          },
        },
        {
          name: 'post',
          method: 'POST',
          path: '/{path}',
          summary: 'POST a JSON body to base_url/path.',
          mutating: true,
          raw_body: 'json',
          params: {
            path: { in: 'path', type: 'string', required: true, keep_slashes: true, description: 'Path under the base URL' },
            query: query('object', 'Query parameters'),
            json: body('object', 'JSON body'),
          },
        },
        {
          name: 'put',
          method: 'PUT',
          path: '/{path}',
          summary: 'PUT a JSON body.',
          mutating: true,
          raw_body: 'json',
          params: {
            path: { in: 'path', type: 'string', required: true, keep_slashes: true, description: 'Path under the base URL' },
            query: query('object', 'Query parameters'),
            json: body('object', 'JSON body'),
          },
        },
        {
          name: 'delete',
          method: 'DELETE',
          path: '/{path}',
          summary: 'DELETE base_url/path.',
          mutating: true,
          params: { path: { in: 'path', type: 'string', required: true, keep_slashes: true, description: 'Path under the base URL' }, query: query('object', 'Query parameters') },
        },
      ],
    },
  ],
  recipes: [],
}
