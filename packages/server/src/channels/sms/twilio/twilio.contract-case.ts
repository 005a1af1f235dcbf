// Recorded Twilio messaging webhooks (form-encoded, as Twilio posts them) and the Messages
// resource request, for the adapter contract suite.
import {
  fixtureJson,
  formEncode,
  RECEIVED_AT,
  webhook,
  type ContractCase,
} from '../../contract/contract-case.ts';
import { twilioAdapter, type TwilioConfig } from './twilio.adapter.ts';
import { twilioSignature } from './twilio-signature.ts';

export const TWILIO_AUTH_TOKEN = 'twilio-auth-token-for-tests';
export const TWILIO_ACCOUNT_SID = 'ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX';
const PUBLIC_URL = 'https://hub.example.com';
const PATH = '/webhooks/sms_twilio/inbox-6';

export function twilioWebhook(name: string) {
  const params = fixtureJson(import.meta.url, name) as Record<string, string>;
  return webhook({
    url: PATH,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'X-Twilio-Signature': twilioSignature({
        authToken: TWILIO_AUTH_TOKEN,
        url: `${PUBLIC_URL}${PATH}`,
        params,
      }),
    },
    body: formEncode(params),
  });
}

export const twilioContractCase: ContractCase<TwilioConfig> = {
  adapter: twilioAdapter,
  config: (peerUrl) => ({
    accountSid: TWILIO_ACCOUNT_SID,
    authToken: TWILIO_AUTH_TOKEN,
    from: '+16505558225',
    statusCallbackUrl: `${PUBLIC_URL}${PATH}`,
    publicUrl: PUBLIC_URL,
    baseUrl: peerUrl,
  }),
  authentication: 'body-signature',
  credential: { in: 'header', name: 'x-twilio-signature' },
  inbound: [
    {
      name: 'an inbound MMS with a photo',
      request: twilioWebhook('inbound-sms.json'),
      expected: [
        {
          kind: 'message',
          providerMessageId: 'SMbe794ce78f6b9fdf853d2acb76c080db',
          threadKey: '+16505551199',
          from: { identifiers: [{ type: 'phone', value: '+16505551199' }] },
          text: 'My order #452 arrived broken',
          attachments: [
            {
              filename: 'ME0123456789abcdef0123456789abcdef',
              contentType: 'image/jpeg',
              size: 0,
              url: 'https://api.twilio.com/2010-04-01/Accounts/ACXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX/Messages/SMbe794ce78f6b9fdf853d2acb76c080db/Media/ME0123456789abcdef0123456789abcdef',
            },
          ],
          sentAt: RECEIVED_AT,
        },
      ],
    },
    {
      name: 'a delivered status callback',
      request: twilioWebhook('status-delivered.json'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: 'SM1342fe1b2c904d1ab04f0fc7a58abca9',
          status: 'delivered',
          at: RECEIVED_AT,
        },
      ],
    },
    {
      name: 'an undelivered status callback with its error code',
      request: twilioWebhook('status-undelivered.json'),
      expected: [
        {
          kind: 'receipt',
          providerMessageId: 'SM2342fe1b2c904d1ab04f0fc7a58abca9',
          status: 'failed',
          at: RECEIVED_AT,
          error: 'Twilio error 30003',
        },
      ],
    },
  ],
  send: {
    message: {
      messageId: 'msg-06',
      threadKey: '+16505551199',
      to: { type: 'phone', value: '+16505551199' },
      text: 'Sorry about that — a replacement ships today.',
      attachments: [],
    },
    request: {
      method: 'POST',
      path: `/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages.json`,
      headers: {
        authorization: `Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      bodyType: 'form',
      body: {
        To: '+16505551199',
        From: '+16505558225',
        Body: 'Sorry about that — a replacement ships today.',
        StatusCallback: `${PUBLIC_URL}${PATH}`,
      },
    },
    success: {
      status: 201,
      body: {
        account_sid: TWILIO_ACCOUNT_SID,
        api_version: '2010-04-01',
        body: 'Sorry about that — a replacement ships today.',
        date_created: 'Wed, 15 Jan 2025 08:40:00 +0000',
        direction: 'outbound-api',
        from: '+16505558225',
        num_segments: '1',
        sid: 'SM3342fe1b2c904d1ab04f0fc7a58abca9',
        status: 'queued',
        to: '+16505551199',
        uri: `/2010-04-01/Accounts/${TWILIO_ACCOUNT_SID}/Messages/SM3342fe1b2c904d1ab04f0fc7a58abca9.json`,
      },
    },
    providerMessageId: 'SM3342fe1b2c904d1ab04f0fc7a58abca9',
    errorBody: (status) =>
      status === 401
        ? {
            code: 20003,
            message: 'Authenticate',
            more_info: 'https://www.twilio.com/docs/errors/20003',
            status,
          }
        : status === 400
          ? {
              code: 21211,
              message: "Invalid 'To' Phone Number: +1650555119",
              more_info: 'https://www.twilio.com/docs/errors/21211',
              status,
            }
          : {
              code: 20500,
              message: 'Internal Server Error',
              more_info: 'https://www.twilio.com/docs/errors/20500',
              status,
            },
  },
};
