import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get, newWorkspace, send, startTestHub, type TestHub } from '../test-support/test-hub.ts';
import { activityAsOf, labelledAsOf } from './churn/cdnow-activity.test-helper.ts';
import { churnFeatures } from './churn/churn-model.ts';
import { fitDenseLogisticRegression, predictProbability } from './churn/logistic-regression.ts';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './clv/cdnow-dataset.ts';
import { customerLifetime } from './survival/survival.service.ts';
import { kaplanMeier, medianSurvival } from './survival/kaplan-meier.ts';

type Workspace = Awaited<ReturnType<typeof newWorkspace>>;
let hub: TestHub;
beforeAll(async () => {
  hub = await startTestHub();
});
afterAll(() => hub.stop());

const inject = (ws: Workspace, method: 'GET' | 'POST', url: string, payload?: object) =>
  hub.app.inject({
    method,
    url,
    headers: { authorization: `Bearer ${ws.token}` },
    ...(payload ? { payload } : {}),
  });

async function sendAll(ws: Workspace, events: object[]): Promise<void> {
  for (let i = 0; i < events.length; i += 500) {
    const reply = await send(hub, ws.writeKey, 'batch', { batch: events.slice(i, i + 500) });
    expect(reply.statusCode).toBe(200);
  }
}

const DAY_MS = 86_400_000;
const order = (userId: string, at: Date, revenue: number, messageId: string) => ({
  type: 'track',
  event: 'Order Completed',
  userId,
  messageId,
  timestamp: at.toISOString(),
  properties: { revenue, currency: 'USD' },
});

describe.runIf(hasCdnowDataset())('churn risk and survival on CDNOW orders sent as events', () => {
  let ws: Workspace;
  const purchases = hasCdnowDataset() ? readCdnowPurchases() : [];
  beforeAll(async () => {
    ws = await newWorkspace(hub, 'retention-cdnow');
  });

  it('answers 422 before there is any history, and 400 naming the field for bad input', async () => {
    const early = await inject(ws, 'POST', '/api/insights/churn/fit', { churnWindowDays: 90 });
    expect(early.statusCode).toBe(422);
    expect(early.json().error.code).toBe('PSK_INSIGHTS_NOT_ENOUGH_DATA');
    expect((await inject(ws, 'GET', '/api/insights/survival')).statusCode).toBe(422);
    const bad = await inject(ws, 'POST', '/api/insights/churn/fit', { churnWindowDays: 0 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.churnWindowDays');
    const badQuery = await inject(ws, 'GET', '/api/insights/survival?churnAfterDays=soon');
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.field).toBe('query.churnAfterDays');
  });

  it('learns who stops buying in the 39 weeks after 1997-09-30 with hold-out AUC ≥ 0.74 and scores every buyer as of the latest order', async () => {
    await sendAll(
      ws,
      purchases.map((p, i) => order(`cdnow-${p.customerId}`, p.at, p.amount, `cdnow-${i}`)),
    );
    const reply = await inject(ws, 'POST', '/api/insights/churn/fit', {
      cutoff: CDNOW_CALIBRATION_END.toISOString(),
      churnWindowDays: 39 * 7,
    });
    expect(reply.statusCode).toBe(200);
    const fit = reply.json();
    console.info(
      `CDNOW churn through the hub: AUC ${fit.auc.toFixed(4)}, recency-only ${fit.baselineAuc.toFixed(4)}`,
    );
    expect(fit.trainCustomers + fit.holdoutCustomers).toBe(2357);
    expect(fit.holdoutCustomers).toBe(707);
    expect(fit.auc).toBeGreaterThanOrEqual(0.74);
    expect(fit.baselineAuc).toBeGreaterThan(0.7);
    expect(fit.customers).toBe(2357);

    // The hub's SQL aggregates equal the file's: same churn rate, same full-data model, same scores.
    const labelled = labelledAsOf(purchases, CDNOW_CALIBRATION_END, 39 * 7);
    expect(fit.churnRate).toBeCloseTo(labelled.filter((c) => c.churned).length / labelled.length, 12);
    const direct = fitDenseLogisticRegression({
      rows: labelled.map((c) => c.features),
      labels: labelled.map((c) => (c.churned ? 1 : 0)),
    });
    fit.coefficients.forEach((c: { weight: number }, j: number) =>
      expect(c.weight).toBeCloseTo(direct.weights[j]!, 6),
    );
    const latest = new Date(Math.max(...purchases.map((p) => p.at.getTime())));
    expect(new Date(fit.scoredAt).getTime()).toBe(latest.getTime());
    const activity = activityAsOf(purchases, latest).find((a) => a.customerId === '0001')!;
    const customer = (await get(hub, ws.token, '/api/customers/lookup?type=userId&value=cdnow-0001')).json();
    expect(customer.churn.churnProbability).toBeCloseTo(
      predictProbability(direct, churnFeatures(activity, latest)),
      6,
    );
    expect(customer.churn.churnWindowDays).toBe(273);
  });

  it('estimates the Kaplan–Meier lifetime curve of the same customers as computed from the file', async () => {
    const reply = await inject(ws, 'GET', '/api/insights/survival?churnAfterDays=90');
    expect(reply.statusCode).toBe(200);
    const survival = reply.json();
    const now = Math.max(...purchases.map((p) => p.at.getTime())) / 1000;
    const spans = new Map<string, { start: number; last: number }>();
    for (const p of purchases) {
      const t = p.at.getTime() / 1000;
      const s = spans.get(p.customerId) ?? { start: t, last: t };
      spans.set(p.customerId, { start: Math.min(s.start, t), last: Math.max(s.last, t) });
    }
    const lifetimes = [...spans.values()].map((s) =>
      customerLifetime({ start: s.start, lastActivity: s.last, now, churnAfterDays: 90 }),
    );
    const curve = kaplanMeier(lifetimes);
    expect(survival.customers).toBe(2357);
    expect(survival.churned).toBe(lifetimes.filter((l) => l.event).length);
    expect(survival.curve).toHaveLength(curve.length);
    survival.curve.forEach((p: { tenureDays: number; survival: number }, i: number) => {
      expect(p.tenureDays).toBe(curve[i]!.time);
      expect(p.survival).toBeCloseTo(curve[i]!.survival, 12);
    });
    expect(survival.medianLifetimeDays).toBe(medianSurvival(curve));
    // No one can churn before 90 days without a purchase: the first month has no hazard.
    expect(survival.hazardByMonth[0].hazard).toBe(0);
    expect(survival.curve[0].tenureDays).toBeGreaterThanOrEqual(90);
    console.info(
      `CDNOW survival (90 days): median ${survival.medianLifetimeDays} days, restricted mean ${survival.restrictedMeanDays.toFixed(1)} of ${survival.restrictedToDays}`,
    );
  });
});

describe('acquisition cost and offer ROI', () => {
  let ws: Workspace;
  const start = new Date('2025-03-01T00:00:00Z');
  beforeAll(async () => {
    ws = await newWorkspace(hub, 'retention-offers');
  });

  it('divides prorated costs among the customers each channel and campaign acquired', async () => {
    const first = (userId: string, at: Date, campaign: object | null, channel = 'web') => ({
      type: 'page',
      name: 'Home',
      userId,
      messageId: `first-${userId}`,
      timestamp: at.toISOString(),
      context: { channel, ...(campaign ? { campaign } : {}) },
    });
    const day = (n: number) => new Date(start.getTime() + n * DAY_MS);
    await sendAll(ws, [
      ...[1, 2, 3, 4].map((i) => first(`g${i}`, day(i), { source: 'Google', name: 'spring', medium: 'cpc' })),
      ...[5, 6].map((i) => first(`g${i}`, day(i), { source: 'google', name: 'brand' })),
      ...[7, 8, 9].map((i) => first(`o${i}`, day(i), null)),
      first('late', day(40), { source: 'google', name: 'spring' }),
    ]);
    const cost = (body: object) => inject(ws, 'POST', '/api/insights/costs', body);
    const period = { from: '2025-03-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };
    expect(
      (await cost({ channel: 'Google', campaign: 'spring', amount: 400, currency: 'usd', ...period }))
        .statusCode,
    ).toBe(201);
    // Two months of channel-level spend, half of which falls in March.
    const both = { from: '2025-03-01T00:00:00Z', to: '2025-05-01T00:00:00Z' };
    expect((await cost({ channel: 'google', amount: 122, currency: 'USD', ...both })).statusCode).toBe(201);
    const bad = await cost({
      channel: 'google',
      amount: 1,
      currency: 'USD',
      from: period.to,
      to: period.from,
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.field).toBe('body.to');

    const reply = await inject(ws, 'GET', `/api/insights/acquisition?from=${period.from}&to=${period.to}`);
    expect(reply.statusCode).toBe(200);
    const { customers, byChannel } = reply.json();
    expect(customers).toBe(9);
    const row = (channel: string, campaign: string | null) =>
      byChannel.find(
        (r: { channel: string; campaign: string | null }) => r.channel === channel && r.campaign === campaign,
      );
    expect(row('google', 'spring')).toEqual(
      expect.objectContaining({ customers: 4, cost: 400, costPerCustomer: 100, currency: 'USD' }),
    );
    // The brand campaign has no cost of its own: the channel-level cost (61 of 122 in March) pays for it.
    expect(row('google', null).customers).toBe(2);
    expect(row('google', null).cost).toBeCloseTo((122 * 31) / 61, 9);
    expect(row('web', null)).toEqual(
      expect.objectContaining({ customers: 3, cost: 0, costPerCustomer: null }),
    );
  });

  it('measures an offer against its holdout: uplift, p-value, incremental revenue and ROI', async () => {
    const sent = (userId: string, holdout: boolean) => ({
      type: 'track',
      event: 'Offer Sent',
      userId,
      messageId: `offer-${userId}`,
      timestamp: start.toISOString(),
      properties: { offerId: 'spring-10', ...(holdout ? { holdout: true } : { cost: 2 }) },
    });
    const inWindow = new Date(start.getTime() + 5 * DAY_MS);
    const tooLate = new Date(start.getTime() + 40 * DAY_MS);
    await sendAll(ws, [
      ...Array.from({ length: 20 }, (_, i) => sent(`t${i}`, false)),
      ...Array.from({ length: 20 }, (_, i) => sent(`h${i}`, true)),
      // Treated: 10 of 20 buy for 50 within the window; holdout: 4 of 20 buy for 50.
      ...Array.from({ length: 10 }, (_, i) => order(`t${i}`, inWindow, 50, `t-order-${i}`)),
      ...Array.from({ length: 4 }, (_, i) => order(`h${i}`, inWindow, 50, `h-order-${i}`)),
      // After the 30-day window: not credited to the offer.
      order('t15', tooLate, 1000, 't-late'),
    ]);
    const reply = await inject(ws, 'GET', '/api/insights/offers/spring-10/roi?windowDays=30');
    expect(reply.statusCode).toBe(200);
    const roi = reply.json();
    expect(roi.treated).toEqual({
      customers: 20,
      conversions: 10,
      revenue: 500,
      conversionRate: 0.5,
      revenuePerCustomer: 25,
    });
    expect(roi.holdout).toEqual({
      customers: 20,
      conversions: 4,
      revenue: 200,
      conversionRate: 0.2,
      revenuePerCustomer: 10,
    });
    expect(roi.uplift).toBeCloseTo(0.3, 12);
    // prop.test(c(10, 4), c(20, 20), correct = FALSE): X-squared = 3.956, p-value = 0.0467
    expect(roi.pValue).toBeCloseTo(0.0467, 3);
    expect(roi.incrementalRevenue).toBeCloseTo(300, 9);
    expect(roi.cost).toBe(40);
    expect(roi.roi).toBeCloseTo(6.5, 12);

    const unknown = await inject(ws, 'GET', '/api/insights/offers/nope/roi');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('PSK_OFFER_NOT_FOUND');
  });
});
