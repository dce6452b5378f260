import { body } from '../param-helpers'
import type { ServiceDescriptor } from '../types'

/** Telegram Bot API (core.telegram.org/bots/api): the token is part of the path, /bot<token>/<method>. */
export const telegram: ServiceDescriptor = {
  id: 'telegram',
  title: 'Telegram',
  description: 'Telegram Bot API: send messages to chats, read updates, manage the webhook.',
  auth: { kind: 'path_prefix', prefix: '/bot{secret}' },
  secret_format: 'the bot token from @BotFather (123456:ABC-…); it becomes part of the request path',
  base_url_override: 'allowed',
  rate_limit_per_minute: 1200,
  rate_limit_notes: 'About 30 messages a second overall and 1 a second per chat (20 a minute per group); 429 carries parameters.retry_after, honoured.',
  modules: [
    {
      name: 'bot',
      title: 'Bot methods',
      base_url: 'https://api.telegram.org',
      operations: [
        {
          name: 'getMe',
          method: 'GET',
          path: '/getMe',
          summary: 'The bot itself (checks the token).',
          mutating: false,
          params: {},
          response_example: { ok: true, result: { id: 123456, is_bot: true, username: 'shop_bot' } },
        },
        {
          name: 'sendMessage',
          method: 'POST',
          path: '/sendMessage',
          summary: 'Send a text message to a chat.',
          mutating: true,
          params: {
            chat_id: body('string', 'Chat id or @channelusername', { required: true }),
            text: body('string', '1–4096 characters', { required: true }),
            parse_mode: body('string', 'Formatting', { enum: ['MarkdownV2', 'HTML', 'Markdown'] }),
            disable_notification: body('boolean', 'Send silently'),
          },
          response_example: { ok: true, result: { message_id: 42, chat: { id: -100123, type: 'group' }, text: 'Hello' } },
        },
        {
          name: 'getUpdates',
          method: 'POST',
          path: '/getUpdates',
          summary: 'Incoming updates (only when no webhook is set; otherwise use query_events).',
          mutating: false,
          params: { offset: body('integer', 'Last update_id + 1'), limit: body('integer', '1–100'), timeout: body('integer', 'Long-poll seconds; keep 0 here') },
          pagination: 'pass the last update_id + 1 as offset.',
        },
        {
          name: 'setWebhook',
          method: 'POST',
          path: '/setWebhook',
          summary: 'Point the bot at an inbound endpoint (see README).',
          mutating: true,
          params: { url: body('string', 'HTTPS URL', { required: true }), secret_token: body('string', 'Sent back in X-Telegram-Bot-Api-Secret-Token') },
        },
      ],
    },
  ],
  recipes: [{ name: 'Notify a chat', steps: ['sendMessage with chat_id and text (needs write)'] }],
}
