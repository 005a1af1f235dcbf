// Twilio Programmable Messaging: inbound SMS/MMS and status callbacks arrive form-encoded and
// signed with X-Twilio-Signature; sending is a form POST to the Messages resource.
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type {
  Attachment,
  ChannelAdapter,
  DeliveryStatus,
  Inbound,
  Outbound,
  ParseError,
  RawWebhook,
} from '../../channel-adapter.ts';
import {
  basicAuth,
  callProvider,
  formBody,
  httpFailure,
  isSuccess,
  joinUrl,
  unreadableSuccess,
  type SendResult,
} from '../../http.ts';
import { header, receivedAt } from '../../inbound.ts';
import { recipientPhone } from '../../outbound.ts';
import { smsMessage, smsReceipt } from '../sms-core.ts';
import { twilioSignatureMatches } from './twilio-signature.ts';

export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';

export const TwilioConfig = z
  .object({
    accountSid: z.string().regex(/^AC\w{32}$/),
    /** Signs every webhook, and is the password of the API's basic auth. */
    authToken: z.string().min(1),
    /** The sending number (E.164) or alphanumeric sender… */
    from: z.string().min(1).optional(),
    /** …or a Messaging Service that picks the number. */
    messagingServiceSid: z
      .string()
      .regex(/^MG\w{32}$/)
      .optional(),
    /** Where Twilio posts delivery updates of what we send. */
    statusCallbackUrl: z.url().optional(),
    /**
     * The public origin Twilio calls (https://hub.example.com). Twilio signs the full URL it
     * called; behind a proxy the request path is all we see, so the origin comes from here.
     */
    publicUrl: z.url().optional(),
    baseUrl: z.url().default('https://api.twilio.com'),
  })
  .refine((config) => config.from !== undefined || config.messagingServiceSid !== undefined, {
    message: 'set either from or messagingServiceSid',
  });
export type TwilioConfig = z.infer<typeof TwilioConfig>;

function postParams(req: RawWebhook): Record<string, string> {
  return Object.fromEntries(new URLSearchParams(req.rawBody.toString('utf8')));
}

function signedUrl(req: RawWebhook, config: TwilioConfig): string | null {
  if (/^https?:\/\//i.test(req.url)) return req.url;
  return config.publicUrl === undefined ? null : joinUrl(config.publicUrl, req.url);
}

function verifyTwilio(req: RawWebhook, config: TwilioConfig): boolean {
  const url = signedUrl(req, config);
  if (url === null) return false;
  const params = req.method.toUpperCase() === 'GET' ? {} : postParams(req);
  return twilioSignatureMatches({
    authToken: config.authToken,
    url,
    params,
    signature: header(req, TWILIO_SIGNATURE_HEADER),
  });
}

/** Twilio's MessageStatus values; "receiving"/"received" belong to inbound messages. */
function deliveryStatus(status: string): DeliveryStatus | null {
  switch (status) {
    case 'accepted':
    case 'scheduled':
    case 'queued':
    case 'sending':
      return 'queued';
    case 'sent':
      return 'sent';
    case 'delivered':
      return 'delivered';
    case 'read':
      return 'read';
    case 'undelivered':
    case 'failed':
    case 'canceled':
      return 'failed';
    default:
      return null;
  }
}

function mediaOf(params: Record<string, string>): Attachment[] {
  const count = Number(params['NumMedia'] ?? '0');
  const attachments: Attachment[] = [];
  for (let i = 0; i < count && i < 10; i++) {
    const url = params[`MediaUrl${i}`];
    if (url === undefined) continue;
    attachments.push({
      filename: url.split('/').pop() ?? `media-${i}`,
      contentType: params[`MediaContentType${i}`] ?? 'application/octet-stream',
      size: 0,
      url,
    });
  }
  return attachments;
}

function parseTwilio(req: RawWebhook): Result<Inbound[], ParseError> {
  const params = postParams(req);
  const sid = params['MessageSid'] ?? params['SmsSid'];
  if (sid === undefined)
    return err({ type: 'unparseable', reason: 'no MessageSid: not a Twilio messaging webhook' });
  const status = params['MessageStatus'];
  const at = receivedAt(req);
  if (status !== undefined && status !== 'received' && status !== 'receiving') {
    const code = params['ErrorCode'];
    const error =
      code !== undefined
        ? `Twilio error ${code}${params['ErrorMessage'] ? `: ${params['ErrorMessage']}` : ''}`
        : status;
    return ok(smsReceipt(sid, deliveryStatus(status), at, error));
  }
  const from = params['From'];
  if (from === undefined) return err({ type: 'unparseable', reason: 'an inbound message without From' });
  return ok([
    smsMessage({
      providerMessageId: sid,
      from,
      text: params['Body'] ?? '',
      sentAt: at,
      attachments: mediaOf(params),
    }),
  ]);
}

async function sendTwilio(message: Outbound, config: TwilioConfig): Promise<SendResult> {
  const to = recipientPhone(message);
  if (to.isErr()) return err(to.error);
  const mediaUrls: string[] = [];
  for (const attachment of message.attachments) {
    // MMS media are fetched by Twilio, so each needs a public URL.
    if (attachment.url === undefined || !/^https?:\/\//.test(attachment.url)) {
      return err({
        type: 'permanent',
        reason: `"${attachment.filename}" has no public URL for Twilio to fetch`,
      });
    }
    mediaUrls.push(attachment.url);
  }
  const reply = await callProvider({
    method: 'POST',
    url: joinUrl(config.baseUrl, `2010-04-01/Accounts/${config.accountSid}/Messages.json`),
    headers: {
      authorization: basicAuth(config.accountSid, config.authToken),
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: formBody({
      To: to.value,
      From: config.messagingServiceSid === undefined ? config.from : undefined,
      MessagingServiceSid: config.messagingServiceSid,
      Body: message.text,
      MediaUrl: mediaUrls,
      StatusCallback: config.statusCallbackUrl,
    }),
  });
  if (reply.isErr()) return err(reply.error);
  const body = reply.value.json as { sid?: unknown; message?: unknown; code?: unknown } | null;
  if (!isSuccess(reply.value.status)) {
    const reason = typeof body?.message === 'string' ? body.message : undefined;
    return err(
      httpFailure(
        reply.value.status,
        reason && body?.code !== undefined ? `${reason} (Twilio error ${String(body.code)})` : reason,
      ),
    );
  }
  return typeof body?.sid === 'string'
    ? ok({ providerMessageId: body.sid })
    : err(unreadableSuccess('Twilio', reply.value));
}

export const twilioAdapter = {
  kind: 'sms_twilio',
  config: TwilioConfig,
  verify: verifyTwilio,
  parse: (req, _config) => parseTwilio(req),
  send: sendTwilio,
} satisfies ChannelAdapter<TwilioConfig>;
