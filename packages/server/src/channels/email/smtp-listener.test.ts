// Real SMTP end to end: nodemailer delivers to our listener the way another mail server would,
// and what the listener hands over parses into the inbox's items.
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inbound } from '../channel-adapter.ts';
import { emailAdapter, emailRawWebhook, type EmailMessageItem, type SmtpEnvelope } from './email-adapter.ts';
import { startSmtpListener, type SmtpListener } from './smtp-listener.ts';

const INBOX = 'support@shop.example';
const config = emailAdapter.config.parse({
  address: INBOX,
  smtp: { host: '127.0.0.1', port: 2525, secure: false, starttls: 'off' },
});

type Received = { raw: Buffer; envelope: SmtpEnvelope };

let listener: SmtpListener;
const received: Received[] = [];
let onMessage: (raw: Buffer, envelope: SmtpEnvelope) => Promise<void> = async (raw, envelope) => {
  received.push({ raw, envelope });
};

beforeAll(async () => {
  listener = await startSmtpListener({
    port: 0,
    host: '127.0.0.1',
    maxSizeBytes: 64 * 1024,
    acceptsRecipient: async (address) => address === INBOX,
    onMessage: (raw, envelope) => onMessage(raw, envelope),
  });
});
afterAll(async () => {
  await listener.close();
});

function client() {
  return nodemailer.createTransport({
    host: '127.0.0.1',
    port: listener.port,
    secure: false,
    ignoreTLS: true,
  });
}

function parseReceived(item: Received): Inbound[] {
  const raw = emailRawWebhook({
    transport: 'SMTP',
    raw: item.raw,
    envelope: item.envelope,
    receivedAt: new Date(),
  });
  expect(emailAdapter.verify(raw, config)).toBe(true);
  const parsed = emailAdapter.parse(raw, config);
  if (parsed.isErr()) throw new Error(parsed.error.reason);
  return parsed.value;
}

async function deliver(mail: Parameters<ReturnType<typeof client>['sendMail']>[0]): Promise<Inbound[]> {
  const before = received.length;
  await client().sendMail(mail);
  expect(received.length).toBe(before + 1);
  return parseReceived(received.at(-1)!);
}

describe('the SMTP listener', () => {
  it('receives a Persian mail with an attachment and hands it over as one normalised message', async () => {
    const pdf = Buffer.from('%PDF-1.4 فاکتور', 'utf8');
    const [item] = await deliver({
      from: '"سارا احمدی" <Sara.Ahmadi@Example.COM>',
      to: INBOX,
      subject: 'سفارش ۱۲۳۴ هنوز نرسیده',
      text: 'سلام، سفارشم هنوز نرسیده است.\nلطفاً پیگیری کنید.',
      html: '<p dir="rtl">سلام، <b>سفارشم</b> هنوز نرسیده است.</p><script>alert(document.cookie)</script><img src="https://tracker.example/open.gif"><a href="javascript:alert(1)" onclick="steal()">لینک</a>',
      attachments: [{ filename: 'فاکتور.pdf', content: pdf, contentType: 'application/pdf' }],
      messageId: '<order-1234@example.com>',
    });
    const message = item as EmailMessageItem;
    expect(message).toMatchObject({
      kind: 'message',
      providerMessageId: '<order-1234@example.com>',
      threadKey: '<order-1234@example.com>',
      from: { identifiers: [{ type: 'email', value: 'sara.ahmadi@example.com' }], name: 'سارا احمدی' },
      text: 'سلام، سفارشم هنوز نرسیده است.\nلطفاً پیگیری کنید.',
      subject: 'سفارش ۱۲۳۴ هنوز نرسیده',
    });
    expect(message.inReplyTo).toBeUndefined();
    expect(message.attachments).toHaveLength(1);
    expect(message.attachments[0]).toMatchObject({
      filename: 'فاکتور.pdf',
      contentType: 'application/pdf',
      size: pdf.length,
    });
    expect(message.attachments[0]?.content?.equals(pdf)).toBe(true);
    expect(message.html).toContain('<p dir="rtl">سلام، <b>سفارشم</b> هنوز نرسیده است.</p>');
    expect(message.html).not.toMatch(/script|alert|tracker\.example|onclick|javascript:/);
  });

  it('keeps the thread of a customer reply by its References header', async () => {
    const [item] = await deliver({
      from: 'sara.ahmadi@example.com',
      to: INBOX,
      subject: 'Re: سفارش ۱۲۳۴ هنوز نرسیده',
      text: 'هنوز خبری نشد.',
      messageId: '<reply-2@example.com>',
      inReplyTo: '<pishkhan-answer-1@shop.example>',
      references: ['<order-1234@example.com>', '<pishkhan-answer-1@shop.example>'],
    });
    expect(item).toMatchObject({
      providerMessageId: '<reply-2@example.com>',
      threadKey: '<order-1234@example.com>',
      inReplyTo: '<pishkhan-answer-1@shop.example>',
    });
  });

  it('threads a reply that only has In-Reply-To under the message it answers', async () => {
    const [item] = await deliver({
      from: 'ali@example.com',
      to: INBOX,
      subject: 'Re: hello',
      text: 'answer',
      inReplyTo: '<first@example.com>',
    });
    expect(item).toMatchObject({ threadKey: '<first@example.com>', inReplyTo: '<first@example.com>' });
  });

  it('passes the envelope on, so the inbox is found by RCPT TO even when the mail came as Bcc', async () => {
    const before = received.length;
    await client().sendMail({
      envelope: { from: 'bounce+123@lists.example', to: [INBOX] },
      from: 'News <news@lists.example>',
      to: 'undisclosed-recipients:;',
      subject: 'weekly',
      text: 'hello',
    });
    const item = received[before]!;
    expect(item.envelope).toEqual({ from: 'bounce+123@lists.example', to: [INBOX] });
    expect(item.raw.toString('latin1')).toMatch(
      /^Return-Path: <bounce\+123@lists\.example>\r\nReceived: from /,
    );
    expect(parseReceived(item)[0]).toMatchObject({
      from: { identifiers: [{ value: 'news@lists.example' }] },
    });
  });

  it('refuses mail for an address that is not one of our inboxes with 550', async () => {
    const before = received.length;
    const sending = client().sendMail({
      from: 'a@example.com',
      to: 'someone@elsewhere.example',
      subject: 'x',
      text: 'x',
    });
    await expect(sending).rejects.toMatchObject({ responseCode: 550 });
    expect(received.length).toBe(before);
  });

  it('refuses a mail larger than the size limit without handing it over', async () => {
    const before = received.length;
    const sending = client().sendMail({
      from: 'a@example.com',
      to: INBOX,
      subject: 'big',
      text: 'x',
      attachments: [{ filename: 'big.bin', content: Buffer.alloc(100 * 1024, 7) }],
    });
    await expect(sending).rejects.toMatchObject({ responseCode: 552 });
    expect(received.length).toBe(before);
  });

  it('answers 250 only after the mail was stored', async () => {
    let store!: () => void;
    const stored = new Promise<void>((resolve) => (store = resolve));
    onMessage = async (raw, envelope) => {
      await stored;
      received.push({ raw, envelope });
    };
    try {
      let acknowledged = false;
      const sending = client()
        .sendMail({ from: 'a@example.com', to: INBOX, subject: 'wait', text: 'x' })
        .then(() => (acknowledged = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(acknowledged).toBe(false);
      store();
      await sending;
      expect(acknowledged).toBe(true);
    } finally {
      onMessage = async (raw, envelope) => {
        received.push({ raw, envelope });
      };
    }
  });

  it('answers 451 when storing fails, so the sending server tries again later', async () => {
    onMessage = async () => {
      throw new Error('database unavailable');
    };
    try {
      const sending = client().sendMail({ from: 'a@example.com', to: INBOX, subject: 'x', text: 'x' });
      await expect(sending).rejects.toMatchObject({ responseCode: 451 });
    } finally {
      onMessage = async (raw, envelope) => {
        received.push({ raw, envelope });
      };
    }
  });
});
