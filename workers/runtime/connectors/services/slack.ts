import { body, query } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

/** Slack Web API (api.slack.com/methods): HTTP 200 with {"ok": false, "error"} on failure. */
export const slack: ServiceDescriptor = {
  id: 'slack',
  title: 'Slack',
  description: 'Slack Web API: post messages, list channels, read channel history.',
  auth: { kind: 'headers', headers: { Authorization: 'Bearer {secret}' } },
  secret_format: 'a bot token (xoxb-…) with chat:write, channels:read, channels:history',
  base_url_override: 'dev_only',
  rate_limit_per_minute: 50,
  rate_limit_notes: 'Tier 2–3 methods allow 20–50 a minute; chat.postMessage about 1 a second per channel. 429 Retry-After honoured.',
  modules: [
    {
      name: 'chat',
      title: 'Messages and channels',
      base_url: 'https://slack.com/api',
      operations: [
        {
          name: 'chat.postMessage',
          method: 'POST',
          path: '/chat.postMessage',
          summary: 'Post a message to a channel.',
          mutating: true,
          params: {
            channel: body('string', 'Channel id (C…) or name', { required: true }),
            text: body('string', 'Message text (mrkdwn)', { required: true }),
            thread_ts: body('string', 'Reply in this thread'),
          },
          response_example: { ok: true, channel: 'C123', ts: '1700000000.000100' },
        },
        {
          name: 'conversations.list',
          method: 'GET',
          path: '/conversations.list',
          summary: 'Channels the token can see.',
          mutating: false,
          params: { limit: query('integer', '1–1000'), cursor: query('string', 'response_metadata.next_cursor'), types: query('string', 'public_channel,private_channel') },
          pagination: 'pass response_metadata.next_cursor as cursor until it is empty.',
        },
        {
          name: 'conversations.history',
          method: 'GET',
          path: '/conversations.history',
          summary: 'Messages of a channel.',
          mutating: false,
          params: { channel: query('string', 'Channel id', { required: true }), limit: query('integer', '1–999'), cursor: query('string', 'Cursor'), oldest: query('string', 'Unix ts') },
          pagination: 'pass response_metadata.next_cursor as cursor while has_more.',
        },
      ],
    },
  ],
  recipes: [{ name: 'Post a daily summary', steps: ['conversations.list to find the channel id', 'chat.postMessage (needs write)'] }],
}
