import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpPeer, type HttpPeer } from '../../contract/http-peer.ts';
import type { Outbound } from '../../channel-adapter.ts';
import { KavenegarConfig, kavenegarAdapter, kavenegarReceptor } from './kavenegar.adapter.ts';
import { kavenegarDeliveryStatus } from './kavenegar-codes.ts';
import { KAVENEGAR_SECRET, kavenegarCall } from './kavenegar.contract-case.ts';

let peer: HttpPeer;
let config: KavenegarConfig;
beforeAll(async () => {
  peer = await startHttpPeer();
  config = KavenegarConfig.parse({
    apiKey: 'key',
    sender: '10004346',
    webhookSecret: KAVENEGAR_SECRET,
    baseUrl: peer.url,
  });
});
afterAll(() => peer.close());

const message: Outbound = {
  messageId: 'msg-1',
  threadKey: '+989121234567',
  to: { type: 'phone', value: '+989121234567' },
  text: 'سلام',
  attachments: [],
};

describe('the Kavenegar SMS adapter', () => {
  it('reads the same inbound SMS posted as a form as when sent by GET', () => {
    const viaGet = kavenegarAdapter.parse(kavenegarCall('receive.json', 'GET'), config)._unsafeUnwrap();
    const viaPost = kavenegarAdapter.parse(kavenegarCall('receive.json', 'POST'), config)._unsafeUnwrap();
    expect(viaPost).toEqual(viaGet);
  });

  it('writes Iranian receptors in the national form and others with 00', () => {
    expect(kavenegarReceptor('+989121234567')).toBe('09121234567');
    expect(kavenegarReceptor('+14155552671')).toBe('0014155552671');
  });

  it.each([
    [1, 'queued'],
    [2, 'queued'],
    [4, 'sent'],
    [5, 'sent'],
    [10, 'delivered'],
    [6, 'failed'],
    [11, 'failed'],
    [13, 'failed'],
    [14, 'failed'],
    [100, null],
  ] as const)('maps Kavenegar status %i to %s', (code, status) => {
    expect(kavenegarDeliveryStatus(code)).toBe(status);
  });

  it.each([
    [418, 'auth', 'no credit: an admin must top up'],
    [412, 'auth', 'the sender line is not valid'],
    [409, 'transient', 'the server is busy'],
    [411, 'permanent', 'the receptor is not valid'],
  ] as const)('classifies Kavenegar error %i as %s (%s)', async (code, type, _why) => {
    peer.answer(code, { return: { status: code, message: 'خطا' }, entries: null });
    expect((await kavenegarAdapter.send(message, config))._unsafeUnwrapErr().type).toBe(type);
  });

  it('fails a message Kavenegar accepted but marked blocked by the recipient', async () => {
    peer.answer(200, {
      return: { status: 200, message: 'تایید شد' },
      entries: [{ messageid: 1, status: 14, statustext: 'بلاک شده' }],
    });
    expect((await kavenegarAdapter.send(message, config))._unsafeUnwrapErr()).toEqual({
      type: 'permanent',
      reason: 'Kavenegar refused the message: بلاک شده',
    });
  });

  it('sends attachment links in the text, since SMS carries no files', async () => {
    peer.requests.length = 0;
    peer.answer(200, { return: { status: 200 }, entries: [{ messageid: 5, status: 1 }] });
    await kavenegarAdapter.send(
      {
        ...message,
        attachments: [
          { filename: 'f.pdf', contentType: 'application/pdf', size: 1, url: 'https://f.ir/f.pdf' },
        ],
      },
      config,
    );
    expect(new URLSearchParams(peer.requests[0]?.body ?? '').get('message')).toBe('سلام\nhttps://f.ir/f.pdf');
  });
});
