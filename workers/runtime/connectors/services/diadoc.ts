import { body, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

const boxId = query('string', 'Box id of the organization (boxes.list → Organizations[].Boxes[].BoxId)', { required: true })

/**
 * Kontur Diadoc HTTP API (diadoc-api.kontur.ru, docs: developer.kontur.ru/docs/diadoc-api). Qualified
 * signatures without a local CryptoPro CSP: DssSign signs with a certificate kept in Kontur's DSS
 * ("сертификат без носителя"); the result is read with DssSignResult.
 */
export const diadoc: ServiceDescriptor = {
  id: 'diadoc',
  title: 'Diadoc (Kontur)',
  description: 'Diadoc EDI: organizations and boxes, documents, and qualified e-signatures with a cloud (DSS) certificate.',
  auth: { kind: 'headers', headers: { Authorization: 'DiadocAuth ddauth_api_client_id={api_client_id}, ddauth_token={token}' }, fields: ['api_client_id', 'token'], public_fields: ['api_client_id'] },
  secret_format: 'JSON {"api_client_id": "<developer key>", "token": "<token from /V3/Authenticate>"}; a token expires: store a new one when calls answer 401',
  base_url_override: 'dev_only',
  headers: { Accept: 'application/json' },
  rate_limit_per_minute: 60,
  rate_limit_notes: 'Kontur limits per developer key; 60 a minute per credential kept here; 429 honoured.',
  modules: [
    {
      name: 'docflow',
      title: 'Organizations and documents',
      base_url: 'https://diadoc-api.kontur.ru',
      operations: [
        { name: 'boxes.list', method: 'GET', path: '/GetMyOrganizations', summary: 'Organizations of the user with their boxes.', mutating: false, params: {} },
        {
          name: 'documents.list',
          method: 'GET',
          path: '/V3/GetDocuments',
          summary: 'Documents of a box by category, e.g. Any.InboundNotFinished.',
          mutating: false,
          params: {
            boxId,
            filterCategory: query('string', 'DocumentType.DocflowStatus, e.g. Any.InboundNotFinished', { required: true }),
            afterIndexKey: query('string', 'Cursor'),
            count: query('integer', '1–100'),
          },
          pagination: 'pass the last document IndexKey as afterIndexKey.',
        },
      ],
    },
    {
      name: 'dss',
      title: 'Cloud (DSS) signature',
      base_url: 'https://diadoc-api.kontur.ru',
      operations: [
        {
          name: 'dss.sign',
          method: 'POST',
          path: '/DssSign',
          summary: 'Start signing files with a DSS certificate; returns TaskId.',
          mutating: true,
          params: {
            boxId,
            certificateThumbprint: query('string', 'DSS certificate; default: the longest-valid one of the user'),
            Files: body('array', '[{"FileName":"act.xml","Content":{"Content":"<base64>"}}] or Content.EntityId {MessageId, EntityId}', { required: true, items: 'object' }),
          },
          response_example: { TaskId: '2fd45887-138e-4e08-aeb2-bcd55bf0dd85' },
        },
        {
          name: 'dss.result',
          method: 'GET',
          path: '/DssSignResult',
          summary: 'Result of a DssSign task: OperationStatus and the signatures.',
          mutating: false,
          params: { boxId, taskId: query('string', 'TaskId from dss.sign', { required: true }) },
        },
      ],
    },
  ],
  recipes: [{ name: 'Sign a document', steps: ['sign_document (or dss.sign) with boxId and the file', 'dss.result with the TaskId until OperationStatus is Completed'] }],
}
