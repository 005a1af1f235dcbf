import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetPath } from '../core/datasets.ts';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { CDNOW_CALIBRATION_END, readCdnowPurchases } from './clv/cdnow-dataset.ts';
import { estimateCustomerLifetimeValues } from './clv/lifetime-value.ts';
import { parseBasketLines } from './rules/baskets-csv.ts';
import { mineAssociationRules } from './rules/association-rules.ts';
import { ALSO_BOUGHT_DEFAULTS, alsoBought } from './rules/also-bought.ts';

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
});
afterAll(() => hub.stop());

const post = (url: string, payload: object) =>
  hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ws.token}` }, payload });

async function sendAll(events: object[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const reply = await send(hub, ws.writeKey, 'batch', { batch: events.slice(i, i + 500) });
    expect(reply.statusCode).toBe(200);
  }
}

describe('insights on the workspace’s own data', () => {
  it('answers 422 for a CLV fit before there are purchases, and 400 for a bad body', async () => {
    const early = await post('/api/insights/clv/fit', {
      calibrationEnd: '2026-01-01T00:00:00Z',
      timeUnit: 'week',
    });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('PSK_INSIGHTS_NOT_ENOUGH_DATA');
    const bad = await post('/api/insights/clv/fit', { calibrationEnd: 'someday', timeUnit: 'year' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toMatch(/^body\.(calibrationEnd|timeUnit)$/);
  });

  it('fits CLV on CDNOW orders sent as events to the figures of the paper, and shows them on the customer', async () => {
    const purchases = readCdnowPurchases();
    await sendAll(
      purchases.map((p, i) => ({
        type: 'track',
        event: 'Order Completed',
        userId: `cdnow-${p.customerId}`,
        messageId: `cdnow-${i}`,
        timestamp: p.at.toISOString(),
        properties: { revenue: p.amount, currency: 'USD' },
      })),
    );
    const reply = await post('/api/insights/clv/fit', {
      calibrationEnd: CDNOW_CALIBRATION_END.toISOString(),
      timeUnit: 'week',
    });
    expect(reply.statusCode).toBe(200);
    const fit = reply.json();
    expect(fit.customers).toBe(2357);
    expect(fit.bgnbd.r).toBeCloseTo(0.2426, 3);
    expect(fit.bgnbd.alpha).toBeCloseTo(4.4136, 2);
    expect(fit.bgnbd.a).toBeCloseTo(0.7929, 3);
    expect(fit.bgnbd.b).toBeCloseTo(2.4259, 2);
    expect(fit.bgnbd.logLikelihood).toBeCloseTo(-9582.43, 1);
    expect(fit.gammaGamma.p).toBeCloseTo(6.25, 1);
    expect(fit.gammaGamma.q).toBeCloseTo(3.74, 1);
    expect(fit.gammaGamma.gamma).toBeCloseTo(15.44, 1);

    // The same figures as the model on the file itself: events lose nothing on the way.
    const direct = estimateCustomerLifetimeValues({
      purchases,
      calibrationEnd: CDNOW_CALIBRATION_END,
      horizonMonths: 12,
      monthlyDiscountRate: 0.01,
      timeUnit: 'week',
    })._unsafeUnwrap();
    expect(fit.totalClv).toBeCloseTo(
      direct.customers.reduce((s, c) => s + c.clv, 0),
      2,
    );
    const expected = direct.customers.find((c) => c.customerId === '0001')!;
    const customer = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=cdnow-0001')).json();
    expect(customer.scores.clv).toBeCloseTo(expected.clv, 6);
    expect(customer.scores.probabilityAlive).toBeCloseTo(expected.probabilityAlive, 6);
  });

  it('mines the arules rule counts from grocery orders sent as events', async () => {
    const baskets = parseBasketLines(readFileSync(datasetPath('groceries.csv'), 'utf8'));
    await sendAll(
      baskets.map((items, i) => ({
        type: 'track',
        event: 'Order Completed',
        anonymousId: `basket-${i % 3000}`,
        messageId: `groceries-${i}`,
        properties: { products: items.map((name) => ({ name, quantity: 1 })) },
      })),
    );
    const reply = await post('/api/insights/rules', { minSupport: 0.006, minConfidence: 0.25, minLen: 2 });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    // CDNOW orders of the earlier test have no products, so only the grocery baskets count.
    expect(body.transactions).toBe(9835);
    expect(body.total).toBe(463);
    expect(body.rules[0]).toEqual(
      expect.objectContaining({
        lhs: expect.any(Array),
        rhs: [expect.any(String)],
        lift: expect.any(Number),
      }),
    );
    expect((await post('/api/insights/rules', { minSupport: 0, minConfidence: 2 })).statusCode).toBe(400);
  });

  it('recommends what buyers of the same groceries also bought, for a template and for a customer', async () => {
    const baskets = parseBasketLines(readFileSync(datasetPath('groceries.csv'), 'utf8'));
    const rules = mineAssociationRules({ baskets, ...ALSO_BOUGHT_DEFAULTS, minLen: 2 }).rules;
    const template = await post('/api/insights/also-bought', { items: ['whole milk', 'yogurt'], limit: 3 });
    expect(template.statusCode).toBe(200);
    expect(template.json().transactions).toBe(9835);
    const expected = alsoBought({ rules, items: ['whole milk', 'yogurt'], limit: 3 });
    expect(template.json().recommendations).toEqual(expected);
    expect(expected.length).toBe(3);

    // basket-7 ordered baskets 7, 3007, 6007 and 9007: its recommendations follow from all of them.
    const customer = (
      await get(hub, ws.token, '/api/customers/lookup?type=anonymousId&value=basket-7')
    ).json();
    const owned = [...new Set([7, 3007, 6007, 9007].flatMap((i) => baskets[i]!))].sort();
    const forCustomer = await get(hub, ws.token, `/api/customers/${customer.id}/recommendations?limit=4`);
    expect(forCustomer.statusCode).toBe(200);
    expect(forCustomer.json().items).toEqual(owned);
    expect(forCustomer.json().recommendations).toEqual(alsoBought({ rules, items: owned, limit: 4 }));
    expect(forCustomer.json().recommendations.every((r: { item: string }) => !owned.includes(r.item))).toBe(
      true,
    );

    const unknown = await get(
      hub,
      ws.token,
      '/api/customers/00000000-0000-7000-8000-000000000000/recommendations',
    );
    expect(unknown.statusCode).toBe(404);
    expect((await post('/api/insights/also-bought', { items: [] })).statusCode).toBe(400);
  });

  it('scores Persian and English sentiment, Arabic letter variants alike', async () => {
    const reply = await post('/api/insights/sentiment', {
      texts: [
        'غذا خیلی خوشمزه بود و به موقع رسید، ممنون',
        'کیفیت افتضاح بود، سرد و دیر رسید',
        'كيفيت افتضاح بود، سرد و دير رسيد',
        'great service, thank you',
        '',
      ],
    });
    expect(reply.statusCode).toBe(200);
    const results = reply.json().results;
    expect(results.map((r: { label: string }) => r.label)).toEqual([
      'positive',
      'negative',
      'negative',
      'positive',
      'neutral',
    ]);
    expect(results[2].score).toBeCloseTo(results[1].score, 6);
    expect((await post('/api/insights/sentiment', { texts: [] })).statusCode).toBe(400);
  });
});
