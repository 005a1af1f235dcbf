// Kavenegar (کاوه‌نگار): an Iranian SMS gateway. It calls our receive URL with GET or POST
// parameters `messageid, from, to, message`, and the delivery URL with `messageid, status`.
// Kavenegar signs nothing, so the URL we register carries a secret of our own (`?secret=`).
import { err, ok, type Result } from 'neverthrow';
import { z } from 'zod';
import type {
  ChannelAdapter,
  Inbound,
  Outbound,
  ParseError,
  RawWebhook,
  SendFailure,
} from '../../channel-adapter.ts';
import {
  callProvider,
  failureClass,
  formBody,
  isSuccess,
  joinUrl,
  type ProviderReply,
  type SendResult,
} from '../../http.ts';
import { formParams, receivedAt } from '../../inbound.ts';
import { secretMatches } from '../../signatures.ts';
import { smsMessage, smsOutbound, smsReceipt } from '../sms-core.ts';
import { kavenegarDeliveryStatus, kavenegarFailureClass } from './kavenegar-codes.ts';

/** The query parameter of the receive and delivery URLs that must carry `webhookSecret`. */
export const KAVENEGAR_SECRET_PARAM = 'secret';

export const KavenegarConfig = z.object({
  /** Part of every API path: /v1/{apiKey}/sms/send.json. */
  apiKey: z.string().min(1),
  /** The line number messages go out from (e.g. 10004346). */
  sender: z.string().min(1),
  /** Register the receive/delivery URLs in Kavenegar's panel with `?secret=<this>`. */
  webhookSecret: z.string().min(16),
  baseUrl: z.url().default('https://api.kavenegar.com'),
});
export type KavenegarConfig = z.infer<typeof KavenegarConfig>;

function parseKavenegar(req: RawWebhook): Result<Inbound[], ParseError> {
  const params = formParams(req);
  const id = params['messageid'];
  if (id === undefined || id === '') return err({ type: 'unparseable', reason: 'no messageid parameter' });
  const at = receivedAt(req);
  if (params['message'] !== undefined && params['from'] !== undefined) {
    return ok([
      smsMessage({ providerMessageId: id, from: params['from'], text: params['message'], sentAt: at }),
    ]);
  }
  const status = params['status'];
  if (status !== undefined) {
    const code = Number(status);
    return ok(smsReceipt(id, kavenegarDeliveryStatus(code), at, `Kavenegar status ${status}`));
  }
  return err({
    type: 'unparseable',
    reason: 'neither an inbound message (from, message) nor a delivery status',
  });
}

/** Kavenegar reads Iranian numbers in the national form; others in the 00 international form. */
export function kavenegarReceptor(e164: string): string {
  return e164.startsWith('+98') ? `0${e164.slice(3)}` : `00${e164.slice(1)}`;
}

type KavenegarReply = {
  return?: { status?: number; message?: string };
  entries?: { messageid?: number | string; status?: number; statustext?: string }[] | null;
};

function kavenegarFailure(reply: ProviderReply): SendFailure {
  const body = reply.json as KavenegarReply | null;
  // Kavenegar repeats its own code as the HTTP status; the body's code wins when both exist.
  const code = body?.return?.status ?? reply.status;
  const reason = `Kavenegar ${code}: ${body?.return?.message ?? (reply.text.slice(0, 200) || 'no message')}`;
  return { type: kavenegarFailureClass(code) ?? failureClass(reply.status), reason };
}

async function sendKavenegar(message: Outbound, config: KavenegarConfig): Promise<SendResult> {
  const sms = smsOutbound(message);
  if (sms.isErr()) return err(sms.error);
  const reply = await callProvider({
    method: 'POST',
    // The API key is part of the path by Kavenegar's design; keep these URLs out of logs.
    url: joinUrl(config.baseUrl, `v1/${encodeURIComponent(config.apiKey)}/sms/send.json`),
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: formBody({
      receptor: kavenegarReceptor(sms.value.to),
      message: sms.value.text,
      sender: config.sender,
    }),
  });
  if (reply.isErr()) return err(reply.error);
  const body = reply.value.json as KavenegarReply | null;
  if (!isSuccess(reply.value.status) || (body?.return?.status !== undefined && body.return.status !== 200)) {
    return err(kavenegarFailure(reply.value));
  }
  const entry = body?.entries?.[0];
  if (entry?.messageid === undefined) {
    return err({
      type: 'permanent',
      reason: `Kavenegar answered without a message id: ${reply.value.text.slice(0, 200)}`,
    });
  }
  if (entry.status !== undefined && kavenegarDeliveryStatus(entry.status) === 'failed') {
    return err({
      type: 'permanent',
      reason: `Kavenegar refused the message: ${entry.statustext ?? entry.status}`,
    });
  }
  return ok({ providerMessageId: String(entry.messageid) });
}

export const kavenegarAdapter = {
  kind: 'sms_kavenegar',
  config: KavenegarConfig,
  verify: (req, config) => secretMatches(req.query[KAVENEGAR_SECRET_PARAM], config.webhookSecret),
  parse: (req, _config) => parseKavenegar(req),
  send: sendKavenegar,
} satisfies ChannelAdapter<KavenegarConfig>;
