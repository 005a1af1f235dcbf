import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formEncode, webhook } from '../../contract/contract-case.ts';
import { startHttpPeer, type HttpPeer } from '../../contract/http-peer.ts';
import { TwilioConfig, twilioAdapter } from './twilio.adapter.ts';
import { TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, twilioWebhook } from './twilio.contract-case.ts';
import { twilioSignatureMatches } from './twilio-signature.ts';

// Twilio's own example (docs "Webhooks security" and its validateRequest snippet).
const docs = {
  authToken: '12345',
  url: 'https://mycompany.com/myapp.php?foo=1&bar=2',
  params: {
    CallSid: 'CA1234567890ABCDE',
    Caller: '+14158675309',
    Digits: '1234',
    From: '+14158675309',
    To: '+18005551212',
  },
  signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=',
};

let peer: HttpPeer;
let config: TwilioConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = TwilioConfig.parse({
    accountSid: TWILIO_ACCOUNT_SID,
    authToken: TWILIO_AUTH_TOKEN,
    messagingServiceSid: 'MG' + '0'.repeat(32),
    publicUrl: 'https://hub.example.com',
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

describe('the Twilio SMS adapter', () => {
  it('validates the signature example from Twilio’s documentation', () => {
    expect(twilioSignatureMatches({ ...docs })).toBe(true);
    expect(twilioSignatureMatches({ ...docs, params: { ...docs.params, Digits: '9999' } })).toBe(false);
  });

  it('verifies a request whose URL Twilio signed with the default port spelled out', () => {
    const withPort = 'https://mycompany.com:443/myapp.php?foo=1&bar=2';
    expect(twilioSignatureMatches({ ...docs, url: withPort })).toBe(true);
  });

  it('verifies the documented example through the adapter when the request URL is absolute', () => {
    const docsConfig = TwilioConfig.parse({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: '12345',
      from: '+15005550006',
    });
    const request = webhook({
      url: docs.url,
      headers: { 'x-twilio-signature': docs.signature },
      body: formEncode(docs.params),
    });
    expect(twilioAdapter.verify(request, docsConfig)).toBe(true);
  });

  it('refuses a path-only request when no public URL is configured, since the signed URL is unknown', () => {
    const noPublicUrl = TwilioConfig.parse({
      accountSid: TWILIO_ACCOUNT_SID,
      authToken: TWILIO_AUTH_TOKEN,
      from: '+1',
    });
    expect(twilioAdapter.verify(twilioWebhook('inbound-sms.json'), noPublicUrl)).toBe(false);
  });

  it('needs a sending number or a Messaging Service', () => {
    expect(TwilioConfig.safeParse({ accountSid: TWILIO_ACCOUNT_SID, authToken: 't' }).success).toBe(false);
  });

  it('sends through the Messaging Service with media as MediaUrl', async () => {
    peer.requests.length = 0;
    peer.answer(201, { sid: 'SMnew' });
    const sent = await twilioAdapter.send(
      {
        messageId: 'msg-1',
        threadKey: '+16505551199',
        to: { type: 'phone', value: '+16505551199' },
        text: 'Your label',
        attachments: [
          { filename: 'label.png', contentType: 'image/png', size: 1, url: 'https://f.example/label.png' },
        ],
      },
      config,
    );
    expect(sent._unsafeUnwrap()).toEqual({ providerMessageId: 'SMnew' });
    expect(Object.fromEntries(new URLSearchParams(peer.requests[0]?.body ?? ''))).toEqual({
      To: '+16505551199',
      MessagingServiceSid: 'MG' + '0'.repeat(32),
      Body: 'Your label',
      MediaUrl: 'https://f.example/label.png',
    });
  });

  it('puts Twilio’s error code in the failure reason', async () => {
    peer.answer(400, { code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 });
    const sent = await twilioAdapter.send(
      {
        messageId: 'm',
        threadKey: 't',
        to: { type: 'phone', value: '+16505551199' },
        text: 'x',
        attachments: [],
      },
      config,
    );
    expect(sent._unsafeUnwrapErr()).toEqual({
      type: 'permanent',
      reason: 'Attempt to send to unsubscribed recipient (Twilio error 21610)',
    });
  });
});
