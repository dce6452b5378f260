import { body, pathParam, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

const businessId = pathParam('Business (cabinet) id from campaigns.list → campaigns[].business.id', 'integer')
const campaignId = pathParam('Campaign (store) id from campaigns.list', 'integer')
const pageToken = query('string', 'Cursor from result.paging.nextPageToken')
const limit = query('integer', 'Page size')

/** Yandex Market Partner API (yandex.ru/dev/market/partner-api). */
export const yandexMarket: ServiceDescriptor = {
  id: 'yandex_market',
  title: 'Yandex Market',
  description: 'Yandex Market partner API: campaigns, offers, stocks, orders, prices, reviews and questions.',
  auth: { kind: 'headers', headers: { 'Api-Key': '{secret}' } },
  secret_format: 'an API key (Settings → API and modules), sent as `Api-Key: <key>`',
  base_url_override: 'dev_only',
  rate_limit_per_minute: 300,
  rate_limit_notes: 'Limits are per method (e.g. 1 000 requests an hour for review comments, 100 000 items a minute for stocks); the executor keeps each account under 300 a minute and honours 429.',
  modules: [
    {
      name: 'assortment',
      title: 'Campaigns, offers, stocks, prices',
      base_url: 'https://api.partner.market.yandex.ru',
      operations: [
        {
          name: 'campaigns.list',
          method: 'GET',
          path: '/campaigns',
          summary: 'Stores (campaigns) of the account, with their business ids.',
          mutating: false,
          params: { page: query('integer', 'From 1'), pageSize: query('integer', 'Page size') },
          response_example: { campaigns: [{ id: 21000001, domain: 'shop.example', business: { id: 3000001, name: 'Shop' } }], pager: { total: 1 } },
        },
        {
          name: 'offers.list',
          method: 'POST',
          path: '/businesses/{businessId}/offer-mappings',
          summary: 'Product cards (offers) of the business.',
          mutating: false,
          params: { businessId, page_token: pageToken, limit, offerIds: body('array', 'Only these offer ids', { items: 'string' }) },
          pagination: 'pass result.paging.nextPageToken as page_token.',
        },
        {
          name: 'stocks.list',
          method: 'POST',
          path: '/campaigns/{campaignId}/offers/stocks',
          summary: 'Stocks per offer and warehouse.',
          mutating: false,
          params: { campaignId, page_token: pageToken, limit, offerIds: body('array', 'Only these offer ids', { items: 'string' }) },
          pagination: 'pass result.paging.nextPageToken as page_token.',
        },
        {
          name: 'stocks.update',
          method: 'PUT',
          path: '/campaigns/{campaignId}/offers/stocks',
          summary: 'Set stocks: {"skus":[{"sku":"SKU-1","items":[{"count":5}]}]}.',
          mutating: true,
          params: { campaignId, skus: body('array', 'Offers with their counts', { required: true, items: 'object' }) },
        },
        {
          name: 'prices.list',
          method: 'POST',
          path: '/businesses/{businessId}/offer-prices',
          summary: 'Prices of offers.',
          mutating: false,
          params: { businessId, page_token: pageToken, limit, offerIds: body('array', 'Only these offer ids', { items: 'string' }) },
          pagination: 'pass result.paging.nextPageToken as page_token.',
        },
        {
          name: 'prices.update',
          method: 'POST',
          path: '/businesses/{businessId}/offer-prices/updates',
          summary: 'Set prices: {"offers":[{"offerId":"SKU-1","price":{"value":1999,"currencyId":"RUR"}}]}.',
          mutating: true,
          params: { businessId, offers: body('array', 'Offers with prices', { required: true, items: 'object' }) },
        },
      ],
    },
    {
      name: 'orders',
      title: 'Orders',
      base_url: 'https://api.partner.market.yandex.ru',
      operations: [
        {
          name: 'orders.list',
          method: 'GET',
          path: '/campaigns/{campaignId}/orders',
          summary: 'Orders of a store.',
          mutating: false,
          params: {
            campaignId,
            status: query('string', 'PROCESSING, DELIVERY, DELIVERED, CANCELLED…'),
            fromDate: query('string', 'DD-MM-YYYY'),
            toDate: query('string', 'DD-MM-YYYY'),
            page_token: pageToken,
            limit,
          },
          pagination: 'pass paging.nextPageToken as page_token.',
        },
        {
          name: 'orders.get',
          method: 'GET',
          path: '/campaigns/{campaignId}/orders/{orderId}',
          summary: 'One order.',
          mutating: false,
          params: { campaignId, orderId: pathParam('Order id', 'integer') },
        },
      ],
    },
    {
      name: 'feedback',
      title: 'Reviews and questions',
      base_url: 'https://api.partner.market.yandex.ru',
      operations: [
        {
          name: 'reviews.list',
          method: 'POST',
          path: '/businesses/{businessId}/goods-feedback',
          summary: 'Product reviews.',
          mutating: false,
          params: { businessId, page_token: pageToken, limit, reactionStatus: body('string', 'Filter', { enum: ['ALL', 'NEED_REACTION'] }) },
          pagination: 'pass result.paging.nextPageToken as page_token.',
        },
        {
          name: 'reviews.comment',
          method: 'POST',
          path: '/businesses/{businessId}/goods-feedback/comments/update',
          summary: 'Answer a review: {"feedbackId":1,"comment":{"text":"…"}}.',
          mutating: true,
          params: { businessId, feedbackId: body('integer', 'Review id', { required: true }), comment: body('object', '{"text":"…","parentId"?:…}', { required: true }) },
        },
        {
          name: 'questions.list',
          method: 'POST',
          path: '/businesses/{businessId}/goods-questions',
          summary: 'Customer questions.',
          mutating: false,
          params: { businessId, page_token: pageToken, limit, needAnswer: body('boolean', 'Only unanswered') },
          pagination: 'pass result.paging.nextPageToken as page_token.',
        },
        {
          name: 'questions.answer',
          method: 'POST',
          path: '/businesses/{businessId}/goods-questions/update',
          summary: 'Answer a question: {"operationType":"CREATE","parentEntityId":{"id":…,"type":"QUESTION"},"text":"…"}.',
          mutating: true,
          params: {
            businessId,
            operationType: body('string', 'CREATE, UPDATE or DELETE', { required: true, enum: ['CREATE', 'UPDATE', 'DELETE'] }),
            parentEntityId: body('object', '{"id":…,"type":"QUESTION"}', { required: true }),
            text: body('string', 'Answer'),
          },
        },
      ],
    },
  ],
  recipes: [{ name: 'Find ids first', steps: ['campaigns.list gives campaign ids and business ids', 'use campaignId for stocks and orders, businessId for offers, prices, reviews'] }],
}
