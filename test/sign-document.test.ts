import { describe, it } from 'vitest'
import { connectorExecute } from '../workers/runtime/tools/connectors'
import { signDocument } from '../workers/runtime/tools/sign'
import { createTenant } from './helpers/api'
import { connectAgent, fakeLog, runTool } from './helpers/connectors'
import { SECRETS } from './fixtures/service-secrets'

const THUMB = '8A80C2723DBC4F0A94F8CEE21C0A15A68A80C272'

describe('sign_document and the EDI services', () => {
  it('Diadoc: DssSign with the DiadocAuth header, the box, the certificate and the files; returns the task and the next call', async ({ expect }) => {
    const t = await createTenant('sign-diadoc')
    const s = await connectAgent(t, ['diadoc'])
    const result = await runTool(
      signDocument,
      {
        box_id: 'box-1',
        certificate_thumbprint: THUMB,
        files: [
          { file_name: 'act.xml', content_base64: 'PGFjdC8+' },
          { file_name: 'in.xml', message_id: 'm1', entity_id: 'e1' },
        ],
      },
      t,
      s,
    )
    expect(result).toMatchObject({
      ok: true,
      task_id: '2fd45887-138e-4e08-aeb2-bcd55bf0dd85',
      next: { operation: 'dss.result', params: { boxId: 'box-1', taskId: '2fd45887-138e-4e08-aeb2-bcd55bf0dd85' } },
    })
    const [req] = await fakeLog(s.creds.diadoc?.tag ?? '')
    expect(req).toMatchObject({
      method: 'POST',
      path: '/DssSign',
      query: { boxId: 'box-1', certificateThumbprint: THUMB },
      headers: { authorization: `DiadocAuth ddauth_api_client_id=${SECRETS.diadoc.api_client_id}, ddauth_token=${SECRETS.diadoc.token}` },
      body: {
        Files: [
          { FileName: 'act.xml', Content: { Content: 'PGFjdC8+' } },
          { FileName: 'in.xml', Content: { EntityId: { MessageId: 'm1', EntityId: 'e1' } } },
        ],
      },
    })
    expect(JSON.stringify(result)).not.toContain(SECRETS.diadoc.token)
  })

  it('signing needs the write scope; a file needs content or a document reference; SBIS is pointed at its two-step action', async ({ expect }) => {
    const t = await createTenant('sign-scope')
    const s = await connectAgent(t, ['diadoc'], { diadoc: { read: true, write: false } })
    await expect(runTool(signDocument, { box_id: 'b', files: [{ file_name: 'a.xml', content_base64: 'eA==' }] }, t, s)).rejects.toThrow(/no write scope; dss.sign changes data/)
    expect(() => signDocument.input.parse({ box_id: 'b', files: [{ file_name: 'a.xml' }] })).toThrow(/content_base64 or message_id/)
    await expect(runTool(signDocument, { provider: 'sbis', box_id: 'b', files: [{ file_name: 'a.xml', content_base64: 'eA==' }] }, t, s)).rejects.toThrow(/action.prepare, then action.execute/)
    expect(await fakeLog(s.creds.diadoc?.tag ?? '')).toEqual([])
  })

  it('SBIS: JSON-RPC 2.0 calls carry the method, the params and X-SBISSessionID', async ({ expect }) => {
    const t = await createTenant('sbis')
    const s = await connectAgent(t, ['sbis'])
    const filter = { Тип: 'ДокОтгрВх', Навигация: { РазмерСтраницы: '50', Страница: '0' } }
    const result = await runTool(connectorExecute, { service: 'sbis', operation: 'documents.list', params: { Фильтр: filter } }, t, s)
    expect(result).toMatchObject({ ok: true, body: { result: { Навигация: { ЕстьЕще: 'Нет' } } } })
    const [req] = await fakeLog(s.creds.sbis?.tag ?? '')
    expect(req).toMatchObject({
      method: 'POST',
      path: '/service/',
      query: { srv: '1' },
      headers: { 'x-sbissessionid': SECRETS.sbis },
      body: { jsonrpc: '2.0', method: 'СБИС.СписокДокументов', params: { Фильтр: filter }, id: 0 },
    })
  })
})
