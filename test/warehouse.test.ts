import { env } from 'cloudflare:workers'
import { describe, it } from 'vitest'
import { createDb } from '../workers/db/client'
import { landPayload } from '../workers/db/warehouse'
// The worker's cron module wires the connector executor into the warehouse (registerConnectorPull).
import '../workers/cron'
import { pullDueDatasets } from '../workers/runtime/warehouse'
import { SECRETS } from './fixtures/service-secrets'
import { call, createTenant, type Tenant } from './helpers/api'
import { fakeBase, fakeLog } from './helpers/connectors'
import { allEvents } from './helpers/runs'
import { startTurn, waitTurn } from './helpers/sessions'

const tool = async (t: Tenant, name: string, args: object, agentId?: string) => {
  const s = await startTurn(t, { message: `/tool ${name} ${JSON.stringify(args)}`, ...(agentId ? { agent_id: agentId } : {}) })
  await waitTurn(t, s)
  return JSON.parse(String((await allEvents(s.turn_id)).find((e) => e.type === 'tool_result')?.data.result))
}
const land = (t: Tenant, connector: string, key: string, payload: unknown) => landPayload(createDb(env.DB), t.orgId, connector, key, JSON.stringify(payload))
const stocks = (items: { offer_id: string; present: number }[]) => ({ result: { items }, meta: { page: 1 } })

describe('warehouse: Bronze, Silver, Gold on D1', () => {
  it('list_datasets shows what landed; describe_dataset flattens the freshest payload', async ({ expect }) => {
    const t = await createTenant('wh')
    expect(await tool(t, 'list_datasets', {})).toEqual([])
    await land(t, 'ozon', 'stocks', stocks([{ offer_id: 'A', present: 1 }]))
    await land(t, 'ozon', 'stocks', { result: { items: [{ offer_id: 'B', present: 9, price: { value: 120.5 }, tags: [] }] }, meta: { page: 2 } })
    await land(t, 'wildberries', 'orders', [{ id: 1 }])
    const listed = await tool(t, 'list_datasets', {})
    expect(listed.map((d: { connector: string; dataset_key: string; payloads: number }) => [d.connector, d.dataset_key, d.payloads])).toEqual([
      ['ozon', 'stocks', 2],
      ['wildberries', 'orders', 1],
    ])
    const described = await tool(t, 'describe_dataset', { connector: 'ozon', dataset_key: 'stocks' })
    expect(described.columns).toEqual([
      { path: 'result.items[].offer_id', type: 'string', sample: 'B' },
      { path: 'result.items[].present', type: 'number', sample: '9' },
      { path: 'result.items[].price.value', type: 'number', sample: '120.5' },
      { path: 'result.items[].tags', type: 'array', sample: '[]' },
      { path: 'meta.page', type: 'number', sample: '2' },
    ])
    expect((await tool(t, 'describe_dataset', { connector: 'ozon', dataset_key: 'nope' })).error).toMatch(/nothing landed for ozon\/nope/)
    const other = await createTenant('wh-other')
    expect(await tool(other, 'list_datasets', {})).toEqual([])
  })

  it('Silver maps the freshest payload to rows; Gold freezes a SELECT and re-materializes it', async ({ expect }) => {
    const t = await createTenant('wh-sg')
    await land(
      t,
      'ozon',
      'stocks',
      stocks([
        { offer_id: 'A', present: 1 },
        { offer_id: 'B', present: 7 },
        { offer_id: 'C', present: 3 },
      ]),
    )
    const mapping = await tool(t, 'manage_silver', {
      action: 'create',
      name: 'ozon_stocks',
      connector: 'ozon',
      dataset_key: 'stocks',
      row_path: 'result.items',
      columns: { sku: 'offer_id', qty: 'present' },
    })
    expect(mapping).toMatchObject({ name: 'ozon_stocks', row_path: 'result.items', columns: { sku: 'offer_id', qty: 'present' } })
    expect(await tool(t, 'manage_silver', { action: 'preview', name: 'ozon_stocks' })).toEqual({
      name: 'ozon_stocks',
      columns: ['sku', 'qty'],
      rows: [
        ['A', 1],
        ['B', 7],
        ['C', 3],
      ],
    })

    const mart = await tool(t, 'manage_gold', { action: 'create', name: 'low_stock', sql: 'SELECT sku, qty FROM ozon_stocks WHERE qty < 5 ORDER BY sku' })
    expect(mart).toMatchObject({
      columns: ['sku', 'qty'],
      rows: [
        ['A', 1],
        ['C', 3],
      ],
      row_count: 2,
    })
    await land(t, 'ozon', 'stocks', stocks([{ offer_id: 'D', present: 0 }]))
    expect(await tool(t, 'manage_gold', { action: 'run', name: 'low_stock' })).toMatchObject({ rows: [['D', 0]], row_count: 1 })
    expect(await tool(t, 'manage_gold', { action: 'read', name: 'low_stock' })).toMatchObject({ sql: 'SELECT sku, qty FROM ozon_stocks WHERE qty < 5 ORDER BY sku', rows: [['D', 0]], row_count: 1 })
    expect((await tool(t, 'manage_gold', { action: 'create', name: 'low_stock', sql: 'SELECT 1' })).error).toMatch(/frozen/)

    // Another org cannot reach this org's mapping or payloads.
    const other = await createTenant('wh-sg-other')
    expect((await tool(other, 'manage_gold', { action: 'create', name: 'peek', sql: 'SELECT * FROM ozon_stocks' })).error).toMatch(/no such table: ozon_stocks/)
  })

  it('a Gold SELECT can read Silver mappings only: no tables, no writes, no tricks', async ({ expect }) => {
    const t = await createTenant('wh-sec')
    await tool(t, 'manage_silver', { action: 'create', name: 'm', connector: 'ozon', dataset_key: 'stocks', row_path: '', columns: { a: 'a' } })
    for (const [sql, why] of [
      ['SELECT * FROM credentials', /not "credentials"/],
      ['SELECT secret_ciphertext FROM "credentials"', /not "credentials"/],
      ['SELECT * FROM m JOIN [api_keys] ON 1', /not "api_keys"/],
      ['SELECT name FROM sqlite_master', /not "sqlite_master"/],
      ["SELECT * FROM pragma_table_info('runs')", /not "pragma_table_info"/],
      ['SELECT * FROM warehouse_raw', /not "warehouse_raw"/],
      ['SELECT 1; DROP TABLE runs', /single statement|read-only/],
      ['DELETE FROM runs', /one SELECT/],
      ['SELECT * FROM m -- comment', /comments/],
      ['WITH x AS (SELECT 1) INSERT INTO runs SELECT * FROM x', /read-only/],
    ] as const) {
      expect((await tool(t, 'manage_gold', { action: 'create', name: 'bad', sql })).error, sql).toMatch(why)
    }
    // A string literal may say anything.
    expect(await tool(t, 'manage_gold', { action: 'create', name: 'ok', sql: "SELECT 'credentials; drop' AS note" })).toMatchObject({ rows: [['credentials; drop']] })
    expect((await tool(t, 'manage_silver', { action: 'create', name: 'runs', connector: 'x', dataset_key: 'y', columns: { a: 'a' } })).error).toMatch(/reserved/)
    expect(await tool(t, 'manage_silver', { action: 'create', name: 'x', connector: 'x', dataset_key: 'y', columns: { a: "a') --" } })).toMatchObject({
      error: 'invalid arguments',
      issues: [{ path: ['columns', 'a'] }],
    })
  })

  it('manage_dataset registers a pull; cron pulls due entries through the connector executor and lands them', async ({ expect }) => {
    const t = await createTenant('wh-pull')
    const agent = await call('POST', `/v1/organizations/${t.orgId}/agents`, { key: t.key, body: { name: 'Warehouse' } })
    await call('PUT', `/v1/organizations/${t.orgId}/agents/${agent.body.id}/connectors`, { key: t.key, body: { connector_keys: ['ozon'] } })
    const tag = `wh-${crypto.randomUUID().slice(0, 8)}`
    const cred = await call('POST', `/v1/organizations/${t.orgId}/credentials`, {
      key: t.key,
      body: { service_name: 'ozon', instance_id: 'main', secret: JSON.stringify(SECRETS.ozon), base_url: fakeBase(tag) },
    })
    await call('POST', `/v1/organizations/${t.orgId}/agents/${agent.body.id}/grants`, { key: t.key, body: { credential_id: cred.body.id } })

    const params = { filter: { visibility: 'ALL' }, limit: 100 }
    const entry = await tool(t, 'manage_dataset', { action: 'register', connector: 'ozon', dataset_key: 'stocks', operation: 'stocks.list', params, cadence_minutes: 60 }, agent.body.id)
    expect(entry).toMatchObject({ connector: 'ozon', dataset_key: 'stocks', operation: 'stocks.list', cadence_minutes: 60, enabled: true, last_status: null })
    expect((await tool(t, 'manage_dataset', { action: 'register', connector: 'wildberries', dataset_key: 'x', operation: 'y' }, agent.body.id)).error).toMatch(/not allowed/)
    expect((await tool(t, 'manage_dataset', { action: 'register', connector: 'ozon', dataset_key: 'stocks', operation: 'y' }, agent.body.id)).error).toMatch(/registered already/)

    // The cron pull goes through the connector executor: the granted account, its auth, the operation's path.
    const later = new Date(Date.now() + 1000)
    expect(await pullDueDatasets(env, later)).toBeGreaterThanOrEqual(1)
    expect(await fakeLog(tag)).toMatchObject([{ method: 'POST', path: '/v4/product/info/stocks', headers: { 'client-id': SECRETS.ozon.client_id, 'api-key': SECRETS.ozon.api_key }, body: params }])
    expect(await pullDueDatasets(env, later)).toBe(0)
    expect((await tool(t, 'list_datasets', {}, agent.body.id)).map((d: { dataset_key: string; payloads: number }) => [d.dataset_key, d.payloads])).toEqual([['stocks', 1]])
    expect(await tool(t, 'manage_dataset', { action: 'pause', connector: 'ozon', dataset_key: 'stocks' }, agent.body.id)).toMatchObject({ enabled: false, last_status: 'ok' })
  })
})
