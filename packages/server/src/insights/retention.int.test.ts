import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  get,
  inviteMember,
  newWorkspace,
  send,
  startTestHub,
  type TestHub,
} from '../test-support/test-hub.ts';
import { activityAsOf, labelledAsOf } from './churn/cdnow-activity.test-helper.ts';
import { churnFeatures } from './churn/churn-model.ts';
import { fitDenseLogisticRegression, predictProbability } from './churn/logistic-regression.ts';
import { CDNOW_CALIBRATION_END, hasCdnowDataset, readCdnowPurchases } from './clv/cdnow-dataset.ts';
import { customerLifetime } from './survival/survival.service.ts';
import { kaplanMeier, medianSurvival, restrictedMean } from './survival/kaplan-meier.ts';

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

  it('learns who stops buying in the 39 weeks after 1997-09-30 with hold-out AUC ≥ 0.7 and scores every buyer as of the latest order', async () => {
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
    // The split shuffles the hub's customer ids, which are random per load, so the AUC moves with
    // the split: 0.73–0.82 over 200 seeded splits of the file (mean 0.779, recency alone 0.770;
    // docs/insights.md). The bounds hold for every one of them; the equalities below pin the model.
    expect(fit.auc).toBeGreaterThanOrEqual(0.7);
    expect(fit.baselineAuc).toBeGreaterThan(0.65);
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
    const spans = new Map<string, { first: number; last: number }>();
    for (const p of purchases) {
      const t = p.at.getTime() / 1000;
      const s = spans.get(p.customerId) ?? { first: t, last: t };
      spans.set(p.customerId, { first: Math.min(s.first, t), last: Math.max(s.last, t) });
    }
    const lifetimes = [...spans.values()].map((s) =>
      customerLifetime({ firstPurchase: s.first, lastPurchase: s.last, now, churnAfterDays: 90 }),
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
    expect(survival.restrictedMeanDays).toBeCloseTo(
      restrictedMean(curve, Math.max(...lifetimes.map((l) => l.time))),
      9,
    );
    // Most CDNOW customers never come back after their first purchase (all joined in Q1 1997, the
    // history runs to mid-1998): the curve drops below ½ at tenure 0, and the first month has
    // the highest hazard.
    expect(survival.curve[0].tenureDays).toBe(0);
    expect(survival.medianLifetimeDays).toBe(0);
    const hazards = survival.hazardByMonth.map((m: { hazard: number }) => m.hazard);
    expect(hazards[0]).toBe(Math.max(...hazards));
    console.info(
      `CDNOW survival (90 days): S(0) ${survival.curve[0].survival.toFixed(4)}, median ${survival.medianLifetimeDays} days, restricted mean ${survival.restrictedMeanDays.toFixed(1)} of ${survival.restrictedToDays}; hazard by month ${hazards
        .slice(0, 6)
        .map((h: number) => h.toFixed(3))
        .join(' ')}`,
    );
  });
});

describe('churn risk from service contacts and CSAT', () => {
  it('learns that customers who wrote in and rated the service badly stop buying', async () => {
    const ws = await newWorkspace(hub, 'retention-desk');
    const day = (n: number) => new Date(Date.UTC(2025, 0, 1) + n * DAY_MS);
    const track = (userId: string, event: string, at: Date, properties: object, id: string) => ({
      type: 'track',
      event,
      userId,
      messageId: id,
      timestamp: at.toISOString(),
      context: { channel: 'whatsapp' },
      properties,
    });
    const events: object[] = [];
    for (let i = 0; i < 60; i++) {
      const user = `d${i}`;
      const unhappy = i % 2 === 0;
      events.push(order(user, day(i % 5), 40, `${user}-first`));
      if (unhappy) {
        for (const k of [0, 1, 2])
          events.push(track(user, 'Message Received', day(40 + k), { text: 'late again' }, `${user}-m${k}`));
      }
      events.push(
        track(user, 'Survey Answered', day(45), { kind: 'csat', score: unhappy ? 1 : 5 }, `${user}-csat`),
      );
      // The happy half buys again in the window after the cutoff (day 60); the unhappy half does not.
      if (!unhappy) events.push(order(user, day(100), 40, `${user}-again`));
    }
    // A first purchase after the cutoff: scored, but not labelled (no history at the cutoff).
    events.push(order('newcomer', day(90), 10, 'newcomer-first'));
    // Browsing without buying: not a customer of the model.
    events.push({
      type: 'page',
      name: 'Home',
      userId: 'browser',
      messageId: 'browser-page',
      timestamp: day(50).toISOString(),
    });
    await sendAll(ws, events);

    const reply = await inject(ws, 'POST', '/api/insights/churn/fit', {
      cutoff: day(60).toISOString(),
      churnWindowDays: 90,
    });
    expect(reply.statusCode, reply.body).toBe(200);
    const fit = reply.json();
    expect(fit.trainCustomers + fit.holdoutCustomers).toBe(60);
    expect(fit.holdoutCustomers).toBe(18);
    expect(fit.customers).toBe(61);
    expect(fit.churnRate).toBe(0.5);
    expect(fit.auc).toBe(1);
    const weight = (feature: string) =>
      fit.coefficients.find((c: { feature: string }) => c.feature === feature).weight;
    expect(weight('serviceContacts')).toBeGreaterThan(0);
    expect(weight('csat')).toBeLessThan(0);

    const churnOf = async (userId: string) =>
      (await get(hub, ws.token, `/api/customers/lookup?type=userId&value=${userId}`)).json().churn;
    expect((await churnOf('d0')).churnProbability).toBeGreaterThan((await churnOf('d1')).churnProbability);
    expect(await churnOf('newcomer')).not.toBeNull();
    expect(await churnOf('browser')).toBeNull();
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

  it('imports costs from CSV all or nothing, and lets only cost-keeping roles record them', async () => {
    const upload = (token: string, csv: string) =>
      hub.app.inject({
        method: 'POST',
        url: '/api/insights/costs/import',
        headers: { authorization: `Bearer ${token}` },
        payload: { csv },
      });
    const header = 'channel,campaign,amount,currency,from,to';
    const faulty = await upload(
      ws.token,
      [header, 'email,april,10,USD,2025-04-01,2025-05-01', 'email,may,ten,USD,2025-05-01,2025-06-01'].join(
        '\n',
      ),
    );
    expect(faulty.statusCode).toBe(400);
    expect(faulty.json().error).toMatchObject({ code: 'PSK_IMPORT_ROWS_INVALID', field: 'row 3: amount' });
    const april = { from: '2025-04-01T00:00:00Z', to: '2025-05-01T00:00:00Z' };
    const before = await inject(ws, 'GET', `/api/insights/acquisition?from=${april.from}&to=${april.to}`);
    expect(before.json().byChannel.some((r: { channel: string }) => r.channel === 'email')).toBe(false);

    const imported = await upload(
      ws.token,
      [header, 'email,april,10,USD,2025-04-01,2025-05-01', 'email,,30,USD,2025-04-01,2025-05-01'].join('\n'),
    );
    expect(imported.statusCode).toBe(201);
    expect(imported.json().imported).toBe(2);
    const after = (
      await inject(ws, 'GET', `/api/insights/acquisition?from=${april.from}&to=${april.to}`)
    ).json();
    const email = after.byChannel.filter((r: { channel: string }) => r.channel === 'email');
    expect(email.map((r: { campaign: string | null; cost: number }) => [r.campaign, r.cost])).toEqual(
      expect.arrayContaining([
        ['april', 10],
        [null, 30],
      ]),
    );
    expect(email).toHaveLength(2);

    const agentToken = (await inviteMember(hub, ws.token, { name: 'agent', role: 'agent' })).token;
    expect(
      (await upload(agentToken, [header, 'sms,,1,USD,2025-04-01,2025-05-01'].join('\n'))).statusCode,
    ).toBe(403);
    const read = await get(hub, agentToken, `/api/insights/acquisition?from=${april.from}&to=${april.to}`);
    expect(read.statusCode).toBe(200);
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
