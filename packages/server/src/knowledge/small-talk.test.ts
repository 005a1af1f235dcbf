import { describe, expect, it } from 'vitest';
import { smallTalkOf, withoutLeadingGreeting } from './small-talk.ts';

describe('small talk in chat messages', () => {
  it.each([
    ['سلام', 'greeting'],
    ['سلام وقت بخیر', 'greeting'],
    ['درود، خسته نباشید', 'greeting'],
    ['Hi there!', 'greeting'],
    ['ممنون، حل شد', 'thanks'],
    ['خیلی ممنونم از راهنماییتون', 'thanks'],
    ['مرسی 🙏', 'thanks'],
    ['👍', 'thanks'],
    ['Thanks, that helped!', 'thanks'],
    ['thank you so much', 'thanks'],
  ] as const)('reads "%s" as %s', (text, kind) => {
    expect(smallTalkOf(text)).toBe(kind);
  });

  it.each([
    'سلام، سفارشم کجاست؟',
    'ممنون ولی حل نشد',
    'thanks but it still does not work',
    'thanks, and how do I get an invoice',
    'How do I cancel my order',
    '',
    '...',
  ])('leaves "%s" to the bot or a person', (text) => {
    expect(smallTalkOf(text)).toBeNull();
  });

  it('takes the greeting off the front of a question and keeps topic words', () => {
    expect(withoutLeadingGreeting('سلام وقت بخیر، سفارشم کجاست؟')).toBe('سفارشم کجاست');
    expect(withoutLeadingGreeting('Hello team, how do I reset my password?')).toBe(
      'how do i reset my password',
    );
    expect(withoutLeadingGreeting('سلام روز تحویل سفارش کیه؟')).toBe('روز تحویل سفارش کیه');
    expect(withoutLeadingGreeting('وقت تحویل سفارش چقدره؟')).toBe('وقت تحویل سفارش چقدره؟');
  });
});
