import { describe, expect, it } from 'vitest';
import { smsOutbound, smsSender } from './sms-core.ts';

describe('SMS common rules', () => {
  it('normalises an Iranian sender written nationally or in Persian digits to E.164', () => {
    expect(smsSender('09121234567')).toEqual({ identifiers: [{ type: 'phone', value: '+989121234567' }] });
    expect(smsSender('۰۹۱۲۱۲۳۴۵۶۷')).toEqual({ identifiers: [{ type: 'phone', value: '+989121234567' }] });
  });

  it('keeps a short-code or named sender instead of dropping the message', () => {
    expect(smsSender('MCI')).toEqual({ identifiers: [{ type: 'external:sms', value: 'MCI' }] });
  });

  it('refuses an attachment held only as bytes, which SMS cannot link to', () => {
    const result = smsOutbound({
      messageId: 'm',
      threadKey: 't',
      to: { type: 'phone', value: '09121234567' },
      text: 'see file',
      attachments: [
        { filename: 'a.pdf', contentType: 'application/pdf', size: 3, content: Buffer.from('pdf') },
      ],
    });
    expect(result._unsafeUnwrapErr().type).toBe('permanent');
  });
});
