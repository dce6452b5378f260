import { body } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

/**
 * SBIS (Saby) EDI JSON-RPC API (online.sbis.ru/service/?srv=1, X-SBISSessionID from
 * СБИС.Аутентифицировать). Signing is ПодготовитьДействие + ВыполнитьДействие; without a local
 * CryptoPro CSP it needs a certificate kept on SBIS servers (server-side signature).
 */
export const sbis: ServiceDescriptor = {
  id: 'sbis',
  title: 'SBIS (Saby)',
  description: 'SBIS EDI: list documents, prepare and execute document actions (signing with a server-side certificate).',
  auth: { kind: 'headers', headers: { 'X-SBISSessionID': '{secret}' } },
  secret_format: 'the session id returned by СБИС.Аутентифицировать (it expires: store a new one when calls fail with an auth error)',
  base_url_override: 'dev_only',
  rate_limit_per_minute: 60,
  rate_limit_notes: '60 calls a minute per credential kept here.',
  modules: [
    {
      name: 'edo',
      title: 'Documents and actions (JSON-RPC)',
      base_url: 'https://online.sbis.ru',
      operations: [
        {
          name: 'documents.list',
          method: 'POST',
          path: '/service/?srv=1',
          rpc_method: 'СБИС.СписокДокументов',
          summary: 'Documents by filter.',
          mutating: false,
          params: { Фильтр: body('object', '{"Тип":"ДокОтгрВх","ДатаС":"01.01.2026","Навигация":{"РазмерСтраницы":"50","Страница":"0"}}', { required: true }) },
          pagination: 'Фильтр.Навигация.Страница += 1 while Навигация.ЕстьЕще is "Да".',
        },
        {
          name: 'action.prepare',
          method: 'POST',
          path: '/service/?srv=1',
          rpc_method: 'СБИС.ПодготовитьДействие',
          summary: 'Prepare an action (e.g. Утверждение) on a document; returns the files to sign.',
          mutating: true,
          params: { Документ: body('object', '{"Идентификатор":"…","Этап":{"Название":"Утверждение","Действие":{"Название":"Утвердить","Сертификат":{"Отпечаток":"…"}}}}', { required: true }) },
        },
        {
          name: 'action.execute',
          method: 'POST',
          path: '/service/?srv=1',
          rpc_method: 'СБИС.ВыполнитьДействие',
          summary: 'Execute the prepared action; with a server-side certificate SBIS signs.',
          mutating: true,
          params: { Документ: body('object', 'The document from action.prepare', { required: true }) },
        },
      ],
    },
  ],
  recipes: [{ name: 'Approve and sign an incoming document', steps: ['documents.list', 'action.prepare with the stage and certificate', 'action.execute'] }],
}
