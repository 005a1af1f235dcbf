import { describe, expect, it } from 'vitest';
import {
  articleTerms,
  detectLanguage,
  searchTerms,
  stemEnglish,
  stemPersian,
  stripMarkdown,
} from './search-terms.ts';

describe('search terms', () => {
  it('gives the same terms for the spellings of one Persian phrase', () => {
    const forms = ['كتاب‌هاي من', 'کتابهای من', 'کتاب های من', 'كِتابهايِ من'];
    for (const form of forms) expect(searchTerms(form), form).toEqual(['کتاب']);
  });

  it('turns Persian and Arabic-Indic digits into the same number', () => {
    expect(searchTerms('کد ۲۴ رقمی')).toEqual(searchTerms('کد ٢٤ رقمی'));
    expect(searchTerms('کد ۲۴ رقمی')).toContain('24');
  });

  // Scenario table: word → light stem.
  const persian: [string, string][] = [
    ['سفارش‌ها', 'سفارش'],
    ['سفارشها', 'سفارش'],
    ['سفارشهای', 'سفارش'],
    ['سفارشم', 'سفارش'],
    ['سفارشمو', 'سفارش'],
    ['بزرگترین', 'بزرگ'],
    ['ارزانتر', 'ارز'], // ارزان loses ان as well: ارزان and ارزانتر meet at ارز
    ['کاربران', 'کاربر'],
    ['اطلاعات', 'اطلاع'],
    ['مشتریان', 'مشتر'],
    ['مشتری', 'مشتر'],
    ['زمان', 'زمان'], // the stem would be too short
    ['پول', 'پول'],
  ];
  for (const [word, stem] of persian) {
    it(`stems ${word} to ${stem}`, () => expect(searchTerms(word)).toEqual([stem]));
  }

  const english: [string, string][] = [
    ['refunds', 'refund'],
    ['refunded', 'refund'],
    ['refunding', 'refund'],
    ['shipped', 'ship'],
    ['shipping', 'ship'],
    ['deliveries', 'deliver'],
    ['delivery', 'deliver'],
    ['delivered', 'deliver'],
    ['addresses', 'address'],
    ['status', 'status'],
    ['password', 'password'],
    ['tried', 'try'],
  ];
  for (const [word, stem] of english) {
    it(`stems ${word} to ${stem}`, () => expect(searchTerms(word)).toEqual([stem]));
  }

  it('drops stop words and question phrases in both languages', () => {
    expect(searchTerms('How long does it take to get my refund?')).toEqual(['take', 'refund']);
    expect(searchTerms('سلام، پولم کی برمیگرده؟ چقدره هزینه‌اش')).toEqual(['پول', 'برمیگرده', 'هزینه']);
  });

  it('detects the language of a question by its script', () => {
    expect(detectLanguage('سفارشم کجاست؟')).toBe('fa');
    expect(detectLanguage('Where is my order?')).toBe('en');
    expect(detectLanguage('کد order 24')).toBe('en');
    expect(detectLanguage('12345')).toBe('en');
  });

  it('weights title and tag words above body words', () => {
    const terms = articleTerms({ title: 'Refunds', body: 'Refunds take 3 days.', tags: ['payments'] });
    expect(terms.frequencies.get('refund')).toBe(4); // 3 (title) + 1 (body)
    expect(terms.frequencies.get('payment')).toBe(2);
    expect(terms.length).toBe(3 + 2 + 4);
  });

  it('reads the words of markdown, not its syntax', () => {
    expect(stripMarkdown('## Title\n- **bold** [link text](https://x.example)\n```\ncode\n```')).not.toMatch(
      /[#*[\]`]|https|code/,
    );
  });

  it('leaves short words whole', () => {
    expect(stemEnglish('bus')).toBe('bus');
    expect(stemPersian('نام')).toBe('نام');
  });
});
