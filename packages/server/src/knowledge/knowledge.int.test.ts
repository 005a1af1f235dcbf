import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, startTestHub, type TestHub } from '../test-support/test-hub.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;

beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

type Json = Record<string, unknown>;

const call = (method: 'POST' | 'PATCH' | 'DELETE', url: string, payload?: Json, token = ws.token) =>
  hub.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${token}` },
    ...(payload ? { payload } : {}),
  });

const search = async (q: string, extra = '') =>
  (await get(hub, ws.token, `/api/knowledge/search?q=${encodeURIComponent(q)}${extra}`)).json() as {
    terms: string[];
    hits: { articleId: string; title: string; matchedTerms: string[]; snippet: string; coverage: number }[];
  };

describe('knowledge base articles', () => {
  it('creates, reads, changes, lists and deletes an article', async () => {
    const created = await call('POST', '/api/knowledge/articles', {
      title: 'Opening hours',
      body: '# Hours\n\nWe are open **every day** from 9 to 17.',
      language: 'en',
      tags: ['store'],
    });
    expect(created.statusCode).toBe(201);
    const article = created.json();
    expect(article).toMatchObject({
      title: 'Opening hours',
      status: 'draft',
      language: 'en',
      tags: ['store'],
    });
    expect(article.searchText).toContain('open');

    const read = await get(hub, ws.token, `/api/knowledge/articles/${article.id}`);
    expect(read.json().body).toContain('every day');

    const patched = await call('PATCH', `/api/knowledge/articles/${article.id}`, {
      status: 'published',
      tags: ['store', 'hours'],
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({
      status: 'published',
      title: 'Opening hours',
      tags: ['store', 'hours'],
    });

    const listed = await get(hub, ws.token, '/api/knowledge/articles?status=published&tag=hours');
    expect(listed.json().articles.map((a: Json) => a.id)).toEqual([article.id]);

    expect((await call('DELETE', `/api/knowledge/articles/${article.id}`)).statusCode).toBe(204);
    const gone = await get(hub, ws.token, `/api/knowledge/articles/${article.id}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.json().error.code).toBe('PSK_ARTICLE_NOT_FOUND');
    expect((await search('opening hours')).hits).toEqual([]);
  });

  it('pages the article list newest first with a cursor', async () => {
    const other = await newWorkspace(hub);
    for (const title of ['one', 'two', 'three']) {
      await call('POST', '/api/knowledge/articles', { title, body: title, language: 'en' }, other.token);
    }
    const first = (await get(hub, other.token, '/api/knowledge/articles?limit=2')).json();
    expect(first.articles.map((a: Json) => a.title)).toEqual(['three', 'two']);
    const second = (
      await get(hub, other.token, `/api/knowledge/articles?limit=2&cursor=${first.nextCursor}`)
    ).json();
    expect(second.articles.map((a: Json) => a.title)).toEqual(['one']);
    expect(second.nextCursor).toBeNull();
  });
});

describe('knowledge search', () => {
  let refundId: string;
  let persianId: string;
  let draftId: string;

  beforeAll(async () => {
    refundId = (
      await call('POST', '/api/knowledge/articles', {
        title: 'Refunds',
        body: 'Refunded orders are paid back to your card within 72 hours.\n\nWallet refunds are immediate.',
        language: 'en',
        status: 'published',
      })
    ).json().id;
    persianId = (
      await call('POST', '/api/knowledge/articles', {
        title: 'پیگیری سفارش‌ها',
        body: 'کد رهگیری مرسوله‌های پستی ۲۴ رقمی است.\n\nبرای پیگیری، کد را در سامانهٔ پست وارد کنید.',
        language: 'fa',
        tags: ['سفارش'],
        status: 'published',
      })
    ).json().id;
    draftId = (
      await call('POST', '/api/knowledge/articles', {
        title: 'Secret sale',
        body: 'A secret sale on televisions next week.',
        language: 'en',
      })
    ).json().id;
  });

  it('finds a Persian article whatever the spelling: Arabic yeh and kaf, no ZWNJ, diacritics, Persian digits', async () => {
    for (const q of ['كد رهگيري', 'سفارشها', 'پیگیریِ سِفارش', 'مرسولههای پستی', 'رقمی ۲۴', 'کد 24 رقمی']) {
      const result = await search(q);
      expect(result.hits[0]?.articleId, q).toBe(persianId);
    }
  });

  it('matches word forms through light stemming (plural, "my", -ed) and reports the terms used', async () => {
    const persian = await search('سفارشم کجاست');
    expect(persian.terms).toEqual(['سفارش']);
    expect(persian.hits[0]?.articleId).toBe(persianId);
    const english = await search('refunding my orders');
    expect(english.terms).toEqual(['refund', 'order']);
    expect(english.hits[0]).toMatchObject({ articleId: refundId, coverage: 1 });
    expect(english.hits[0]?.snippet).toContain('72 hours');
  });

  it('searches published articles only; publishing indexes a draft at once', async () => {
    expect((await search('secret sale')).hits).toEqual([]);
    await call('PATCH', `/api/knowledge/articles/${draftId}`, { status: 'published' });
    expect((await search('secret sale')).hits[0]?.articleId).toBe(draftId);
    await call('PATCH', `/api/knowledge/articles/${draftId}`, { body: 'Radios are on sale.' });
    const after = await search('televisions');
    expect(after.hits).toEqual([]);
  });

  it('restricts to a language on request', async () => {
    expect((await search('24', '&language=en')).hits).toEqual([]);
    expect((await search('24', '&language=fa')).hits[0]?.articleId).toBe(persianId);
  });

  it('keeps each workspace to its own articles', async () => {
    const other = await newWorkspace(hub);
    const res = await get(hub, other.token, `/api/knowledge/search?q=${encodeURIComponent('refunds')}`);
    expect(res.json().hits).toEqual([]);
    expect((await get(hub, other.token, `/api/knowledge/articles/${refundId}`)).statusCode).toBe(404);
  });

  it('answers 400 naming the field for bad input and 404 for unknown articles', async () => {
    const cases: [string, Promise<{ statusCode: number; json(): Json }>][] = [
      ['query.q', get(hub, ws.token, '/api/knowledge/search?q=')],
      ['query.limit', get(hub, ws.token, '/api/knowledge/search?q=a&limit=0')],
      ['body.language', call('POST', '/api/knowledge/articles', { title: 't', body: 'b', language: 'de' })],
      ['body.title', call('POST', '/api/knowledge/articles', { body: 'b', language: 'en' })],
      ['body', call('PATCH', `/api/knowledge/articles/${refundId}`, {})],
      ['params.id', get(hub, ws.token, '/api/knowledge/articles/not-a-uuid')],
      ['body.question', call('POST', '/api/knowledge/answer', { question: '   ' })],
    ];
    for (const [field, pending] of cases) {
      const res = await pending;
      expect(res.statusCode, field).toBe(400);
      expect((res.json().error as Json).field, field).toContain(field);
    }
    const missing = await call('PATCH', '/api/knowledge/articles/0190f0f0-0000-7000-8000-000000000000', {
      title: 'x',
    });
    expect(missing.statusCode).toBe(404);
  });
});
