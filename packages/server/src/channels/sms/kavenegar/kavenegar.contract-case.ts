// Recorded Kavenegar calls (the receive URL by GET, the delivery URL by POST) and the send.json
// request, for the adapter contract suite.
import {
  fixtureJson,
  formEncode,
  RECEIVED_AT,
  webhook,
  type ContractCase,
} from '../../contract/contract-case.ts';
import { kavenegarAdapter, type KavenegarConfig } from './kavenegar.adapter.ts';

export const KAVENEGAR_SECRET = 'kavenegar-webhook-secret-0123456789';
const API_KEY = '4F5A6B7C8D9E-kavenegar-key';

export function kavenegarCall(name: string, method: 'GET' | 'POST') {
  const params = fixtureJson(import.meta.url, name) as Record<string, string>;
  const path = `/webhooks/sms_kavenegar/inbox-7?secret=${KAVENEGAR_SECRET}`;
  return method === 'GET'
    ? webhook({ method, url: `${path}&${formEncode(params)}`, body: '' })
    : webhook({
        method,
        url: path,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: formEncode(params),
      });
}

const errorMessages: Record<number, string> = {
  400: 'پارامترها ناقص هستند',
  401: 'حساب کاربری غیرفعال شده است',
  429: 'IP محدود شده است',
  500: 'خطای داخلی سرور',
};

export const kavenegarContractCase: ContractCase<KavenegarConfig> = {
  adapter: kavenegarAdapter,
  config: (peerUrl) => ({
    apiKey: API_KEY,
    sender: '10004346',
    webhookSecret: KAVENEGAR_SECRET,
    baseUrl: peerUrl,
  }),
  authentication: 'shared-secret',
  credential: { in: 'query', name: 'secret' },
  inbound: [
    {
      name: 'an inbound SMS from an Iranian mobile (GET)',
      request: kavenegarCall('receive.json', 'GET'),
      expected: [
        {
          kind: 'message',
          providerMessageId: '409412345',
          threadKey: '+989121234567',
          from: { identifiers: [{ type: 'phone', value: '+989121234567' }] },
          text: 'سلام، کد تخفیف من کار نمی‌کند',
          attachments: [],
          sentAt: RECEIVED_AT,
        },
      ],
    },
    {
      name: 'a delivered status (POST)',
      request: kavenegarCall('delivery.json', 'POST'),
      expected: [{ kind: 'receipt', providerMessageId: '8792343', status: 'delivered', at: RECEIVED_AT }],
    },
    {
      name: 'a blocked-by-recipient status (POST)',
      request: kavenegarCall('delivery-failed.json', 'POST'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: '8792344',
          status: 'failed',
          at: RECEIVED_AT,
          error: 'Kavenegar status 14',
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-07',
      threadKey: '+989121234567',
      to: { type: 'phone', value: '+989121234567' },
      text: 'کد تخفیف جدید: NOWRUZ1404',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: `/v1/${API_KEY}/sms/send.json`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      bodyType: 'form',
      body: { receptor: '09121234567', message: 'کد تخفیف جدید: NOWRUZ1404', sender: '10004346' },
    },
    success: {
      status: 200,
      body: {
        return: { status: 200, message: 'تایید شد' },
        entries: [
          {
            messageid: 8792345,
            message: 'کد تخفیف جدید: NOWRUZ1404',
            status: 1,
            statustext: 'در صف ارسال',
            sender: '10004346',
            receptor: '09121234567',
            date: 1736931300,
            cost: 120,
          },
        ],
      },
    },
    providerMessageId: '8792345',
    errorBody: (status) => ({ return: { status, message: errorMessages[status] ?? 'خطا' }, entries: null }),
  },
};
