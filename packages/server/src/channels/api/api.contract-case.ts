// Payloads of the generic API channel (our own documented format) and the signed delivery of a
// reply, for the adapter contract suite.
import { RECEIVED_AT, signedJsonWebhook, type ContractCase } from '../contract/contract-case.ts';
import { apiAdapter, apiSignature, type ApiChannelConfig } from './api.adapter.ts';

export const API_SECRET = 'api-channel-secret-0123456789abcdef';

export function apiWebhook(name: string) {
  return signedJsonWebhook({
    moduleUrl: import.meta.url,
    fixture: name,
    url: '/webhooks/api/inbox-10',
    header: 'X-Pishkhan-Signature',
    sign: (body) => apiSignature(body, API_SECRET),
  });
}

const reply = {
  messageId: 'msg-10',
  threadKey: 'ticket-5512',
  to: { type: 'external:crm' as const, value: 'C-20931' },
  text: 'Address updated.',
  attachments: [],
};

export const apiContractCase: ContractCase<ApiChannelConfig> = {
  adapter: apiAdapter,
  config: (peerUrl) => ({ secret: API_SECRET, webhookUrl: `${peerUrl}/pishkhan/replies` }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-pishkhan-signature' },
  inbound: [
    {
      name: 'a message with identifiers in both forms',
      request: apiWebhook('message.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'crm-note-88123',
          threadKey: 'ticket-5512',
          from: {
            identifiers: [
              { type: 'external:crm', value: 'C-20931' },
              { type: 'email', value: 'sara@example.com' },
              { type: 'phone', value: '+989121234567' },
            ],
            name: 'سارا احمدی',
          },
          text: 'Customer asked by phone to change the delivery address.',
          attachments: [
            {
              filename: 'address.pdf',
              contentType: 'application/pdf',
              size: 20480,
              url: 'https://crm.example.com/files/address.pdf',
            },
          ],
          sentAt: new Date('2025-01-15T05:40:00Z'),
        },
      ],
    },
    {
      name: 'a batch of receipts',
      request: apiWebhook('receipts.json'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: 'partner-msg-1',
          status: 'delivered',
          at: new Date('2025-01-15T06:00:00Z'),
        },
        {
          kind: 'receipt',
          providerMessageId: 'partner-msg-2',
          status: 'failed',
          at: RECEIVED_AT,
          error: 'mailbox full',
        },
      ],
    },
  ],
  send: {
    message: reply,
    request: {
      method: 'POST',
      path: '/pishkhan/replies',
      headers: {
        'content-type': 'application/json',
        'x-pishkhan-signature': apiSignature(
          JSON.stringify({
            type: 'message',
            messageId: reply.messageId,
            threadKey: reply.threadKey,
            to: reply.to,
            text: reply.text,
            attachments: [],
          }),
          API_SECRET,
        ),
        'idempotency-key': 'msg-10',
      },
      bodyType: 'json',
      body: {
        type: 'message',
        messageId: 'msg-10',
        threadKey: 'ticket-5512',
        to: { type: 'external:crm', value: 'C-20931' },
        text: 'Address updated.',
        attachments: [],
      },
    },
    success: { status: 200, body: { messageId: 'crm-reply-99' } },
    providerMessageId: 'crm-reply-99',
    errorBody: (status) => ({
      error: status === 401 ? 'signature mismatch' : status === 400 ? 'unknown ticket' : 'down',
    }),
  },
};
