import { body } from '../param-helpers'
import type { Operation, ServiceDescriptor } from '../types'

const post = (name: string, path: string, summary: string, mutating: boolean, params: Operation['params'], extra: Partial<Operation> = {}): Operation => ({
  name,
  method: 'POST',
  path,
  summary,
  mutating,
  params,
  ...extra,
})

/** Ozon Seller API (docs.ozon.ru/api/seller): every method is a POST with a JSON body. */
export const ozon: ServiceDescriptor = {
  id: 'ozon',
  title: 'Ozon',
  description: 'Ozon Seller API: products, stocks, FBS postings, prices, reviews and questions.',
  auth: { kind: 'headers', headers: { 'Client-Id': '{client_id}', 'Api-Key': '{api_key}' }, fields: ['client_id', 'api_key'], public_fields: ['client_id'] },
  secret_format: 'JSON {"client_id": "<Client-Id>", "api_key": "<Api-Key>"} from Settings → Seller API',
  base_url_override: 'dev_only',
  rate_limit_per_minute: 300,
  rate_limit_notes: 'Ozon allows about 50 requests a second per Client-Id, lower for some methods; the executor keeps each account under 300 a minute and honours 429.',
  modules: [
    {
      name: 'products',
      title: 'Products, stocks and prices',
      base_url: 'https://api-seller.ozon.ru',
      operations: [
        post(
          'products.list',
          '/v3/product/list',
          'List products (product_id, offer_id).',
          false,
          {
            filter: body('object', '{"visibility":"ALL","offer_id"?:[…]}', { required: true }),
            last_id: body('string', 'Cursor; "" for the first page'),
            limit: body('integer', '1–1000', { required: true }),
          },
          {
            pagination: 'pass result.last_id back as last_id until items is empty.',
            response_example: { result: { items: [{ product_id: 223681945, offer_id: 'SKU-1' }], total: 1, last_id: 'WzIyMzY4MTk0NV0=' } },
          },
        ),
        post('products.info', '/v3/product/info/list', 'Product details by offer_id, product_id or sku.', false, {
          offer_id: body('array', 'Offer ids', { items: 'string' }),
          product_id: body('array', 'Product ids', { items: 'integer' }),
          sku: body('array', 'SKUs', { items: 'integer' }),
        }),
        post(
          'stocks.list',
          '/v4/product/info/stocks',
          'Stocks per product (FBO and FBS).',
          false,
          {
            filter: body('object', '{"visibility":"ALL","offer_id"?:[…]}', { required: true }),
            cursor: body('string', 'Cursor; "" for the first page'),
            limit: body('integer', '1–1000', { required: true }),
          },
          { pagination: 'pass the response cursor back until items is empty.' },
        ),
        post('stocks.update', '/v2/products/stocks', 'Set FBS stocks per warehouse.', true, {
          stocks: body('array', '[{"offer_id":"SKU-1","product_id":1,"stock":5,"warehouse_id":22}], up to 100', { required: true, items: 'object' }),
        }),
        post(
          'prices.list',
          '/v5/product/info/prices',
          'Prices, commissions and discounts per product.',
          false,
          {
            filter: body('object', '{"visibility":"ALL","offer_id"?:[…]}', { required: true }),
            cursor: body('string', 'Cursor'),
            limit: body('integer', '1–1000', { required: true }),
          },
          { pagination: 'pass the response cursor back until items is empty.' },
        ),
        post('prices.update', '/v1/product/import/prices', 'Update prices.', true, {
          prices: body('array', '[{"offer_id":"SKU-1","price":"1999","old_price":"2499","currency_code":"RUB"}], up to 1000', { required: true, items: 'object' }),
        }),
      ],
    },
    {
      name: 'postings',
      title: 'FBS postings (orders)',
      base_url: 'https://api-seller.ozon.ru',
      operations: [
        post(
          'postings.list',
          '/v3/posting/fbs/list',
          'FBS postings in a period.',
          false,
          {
            dir: body('string', 'Sort', { enum: ['ASC', 'DESC'] }),
            filter: body('object', '{"since":"2026-01-01T00:00:00Z","to":"2026-01-31T23:59:59Z","status"?:"awaiting_packaging"}', { required: true }),
            limit: body('integer', '1–1000', { required: true }),
            offset: body('integer', 'Offset', { required: true }),
            with: body('object', '{"analytics_data":true,"financial_data":true}'),
          },
          {
            pagination: 'offset += limit while result.has_next.',
            response_example: {
              result: { postings: [{ posting_number: '05708065-0029-1', status: 'awaiting_packaging', products: [{ offer_id: 'SKU-1', quantity: 1, price: '1999.0000' }] }], has_next: false },
            },
          },
        ),
        post('postings.get', '/v3/posting/fbs/get', 'One FBS posting.', false, { posting_number: body('string', 'Posting number', { required: true }) }),
        post(
          'finance.transactions',
          '/v3/finance/transaction/list',
          'Sales, returns and fees (the transaction list).',
          false,
          {
            filter: body('object', '{"date":{"from":"…","to":"…"},"transaction_type":"all"}', { required: true }),
            page: body('integer', 'From 1', { required: true }),
            page_size: body('integer', '1–1000', { required: true }),
          },
          { pagination: 'page += 1 until page_count.' },
        ),
      ],
    },
    {
      name: 'reviews',
      title: 'Reviews and questions (Premium Plus)',
      base_url: 'https://api-seller.ozon.ru',
      operations: [
        post(
          'reviews.list',
          '/v1/review/list',
          'Reviews.',
          false,
          {
            limit: body('integer', '20–100', { required: true }),
            last_id: body('string', 'Cursor'),
            sort_dir: body('string', 'Sort', { enum: ['ASC', 'DESC'] }),
            status: body('string', 'Status', { enum: ['ALL', 'UNPROCESSED', 'PROCESSED'] }),
          },
          { pagination: 'pass last_id back while has_next.' },
        ),
        post('reviews.comment', '/v1/review/comment/create', 'Answer a review.', true, {
          review_id: body('string', 'Review id', { required: true }),
          text: body('string', 'Answer', { required: true }),
          mark_review_as_processed: body('boolean', 'Mark processed'),
        }),
        post(
          'questions.list',
          '/v1/question/list',
          'Customer questions.',
          false,
          {
            filter: body('object', '{"status":"NEW"}'),
            last_id: body('string', 'Cursor'),
          },
          { pagination: 'pass last_id back until questions is empty.' },
        ),
        post('questions.answer', '/v1/question/answer/create', 'Answer a question.', true, {
          question_id: body('string', 'Question id', { required: true }),
          sku: body('integer', 'SKU', { required: true }),
          text: body('string', 'Answer', { required: true }),
        }),
      ],
    },
  ],
  recipes: [
    { name: 'Orders to pack today', steps: ['postings.list with filter.status=awaiting_packaging, since/to today', 'summarise by offer_id'] },
    { name: 'Sync a stock level', steps: ['stocks.list to find product_id and warehouse', 'stocks.update (needs write)'] },
  ],
}
