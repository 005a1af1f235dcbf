import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWorkspace, send, startTestHub, type TestHub } from '../../test-support/test-hub.ts';
import {
  eventsOf,
  referenceConversionProbability,
  referenceFunnel,
  referencePaths,
  referenceTouches,
  type RefAttempt,
  type RefPath,
} from './reference-analyses.test-helper.ts';
import { syntheticJourneys } from './synthetic-journeys.ts';
import { wilsonInterval } from './wilson-interval.ts';

const DAY = 86_400_000;
const TO = new Date('2025-06-01T00:00:00Z');
const FROM = new Date(TO.getTime() - 120 * DAY);
const period = { from: FROM.toISOString(), to: TO.toISOString() };
const customers = syntheticJourneys({ seed: 4242, customers: 150, end: TO, historyDays: 240 });

let hub: TestHub;
let ws: Awaited<ReturnType<typeof newWorkspace>>;
beforeAll(async () => {
  hub = await startTestHub();
  ws = await newWorkspace(hub);
  const calls = customers.flatMap((c) => c.calls);
  for (let i = 0; i < calls.length; i += 300) {
    const reply = await send(hub, ws.writeKey, 'batch', { batch: calls.slice(i, i + 300) });
    expect(reply.statusCode).toBe(200);
  }
});
afterAll(() => hub.stop());

const post = (url: string, payload: object) =>
  hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${ws.token}` }, payload });

type PathsReply = {
  customers: number;
  journeys: number;
  paths: { channels: string[]; customers: number; share: number }[];
  transitions: { from: string; to: string; count: number; probability: number }[];
  conversionProbability: number;
  attribution: {
    channel: string;
    firstTouch: number;
    lastTouch: number;
    linear: number;
    markov: number;
    removalEffect: number;
  }[];
};

function expectPathsMatch(body: PathsReply, expected: RefPath[]): void {
  const converters = expected.filter((p) => p.converted);
  expect(body.customers).toBe(converters.length);
  expect(body.journeys).toBe(expected.length);
  // Top paths: every converting path with its count and share.
  const counts = new Map<string, number>();
  for (const p of converters) counts.set(p.channels.join('>'), (counts.get(p.channels.join('>')) ?? 0) + 1);
  expect(new Map(body.paths.map((p) => [p.channels.join('>'), p.customers]))).toEqual(counts);
  for (const p of body.paths) expect(p.share).toBeCloseTo(p.customers / converters.length, 12);
  // Transitions: counts straight from the walks.
  const walked = new Map<string, number>();
  for (const p of expected) {
    const walk = ['(start)', ...p.channels, p.converted ? '(conversion)' : '(null)'];
    for (let i = 1; i < walk.length; i++) {
      const key = `${walk[i - 1]}→${walk[i]}`;
      walked.set(key, (walked.get(key) ?? 0) + 1);
    }
  }
  expect(new Map(body.transitions.map((t) => [`${t.from}→${t.to}`, t.count]))).toEqual(walked);
  // Attribution: the rules by hand, the Markov removal effects by value iteration.
  const base = referenceConversionProbability(expected, null);
  expect(body.conversionProbability).toBeCloseTo(base, 9);
  const effects = new Map(
    body.attribution.map((a) => [a.channel, 1 - referenceConversionProbability(expected, a.channel) / base]),
  );
  const totalEffect = [...effects.values()].reduce((s, e) => s + e, 0);
  for (const a of body.attribution) {
    const mine = converters.filter((p) => p.channels.includes(a.channel));
    expect(a.firstTouch, a.channel).toBe(mine.filter((p) => p.channels[0] === a.channel).length);
    expect(a.lastTouch, a.channel).toBe(mine.filter((p) => p.channels.at(-1) === a.channel).length);
    const linear = mine.reduce(
      (s, p) => s + p.channels.filter((c) => c === a.channel).length / p.channels.length,
      0,
    );
    expect(a.linear, a.channel).toBeCloseTo(linear, 9);
    expect(a.removalEffect, a.channel).toBeCloseTo(effects.get(a.channel)!, 9);
    expect(a.markov, a.channel).toBeCloseTo((converters.length * effects.get(a.channel)!) / totalEffect, 9);
  }
  expect(body.attribution.reduce((s, a) => s + a.markov, 0)).toBeCloseTo(converters.length, 9);
}

it('documents the three routes in the OpenAPI file', async () => {
  const spec = (await hub.app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
  for (const path of ['/api/insights/paths', '/api/insights/funnels', '/api/insights/channel-effectiveness'])
    expect(spec.paths[path]?.post, path).toBeDefined();
});

describe('channel paths', () => {
  it('finds the paths to a purchase, their transitions and four attributions, as computed by hand', async () => {
    const reply = await post('/api/insights/paths', { ...period, lookbackDays: 30, maxSteps: 6, limit: 200 });
    expect(reply.statusCode).toBe(200);
    const body = reply.json() as PathsReply;
    const expected = referencePaths(customers, {
      from: FROM.getTime(),
      to: TO.getTime(),
      lookbackDays: 30,
      maxSteps: 6,
      goalEvent: 'Order Completed',
    });
    expect(expected.filter((p) => p.converted).length).toBeGreaterThan(20);
    expectPathsMatch(body, expected);
    // The generator's buyers end on the channel they bought on.
    expect(body.attribution.find((a) => a.channel === 'email')!.lastTouch).toBe(0);
  });

  it('finds the paths before churn (no touch for 45 days)', async () => {
    const reply = await post('/api/insights/paths', {
      ...period,
      goal: { inactiveDays: 45 },
      lookbackDays: 60,
      maxSteps: 4,
      limit: 200,
    });
    expect(reply.statusCode).toBe(200);
    const expected = referencePaths(customers, {
      from: FROM.getTime(),
      to: TO.getTime(),
      lookbackDays: 60,
      maxSteps: 4,
      inactiveDays: 45,
    });
    expect(expected.filter((p) => p.converted).length).toBeGreaterThan(5);
    expectPathsMatch(reply.json() as PathsReply, expected);
  });

  it('answers 422 when nobody reached the goal, and 400 naming the field for a bad goal', async () => {
    const none = await post('/api/insights/paths', { ...period, goal: { event: 'Never Happens' } });
    expect(none.statusCode).toBe(422);
    expect(none.json().error).toMatchObject({ code: 'PSK_INSIGHTS_NOT_ENOUGH_DATA', field: 'goal' });
    const both = await post('/api/insights/paths', { goal: { event: 'Order Completed', inactiveDays: 30 } });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.field).toMatch(/^body\.goal/);
    const reversed = await post('/api/insights/paths', { from: period.to, to: period.from });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.json().error.field).toBe('body.from');
  });
});

const median = (values: number[]) => {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

function expectedSteps(attempts: RefAttempt[], count: number) {
  return Array.from({ length: count }, (_, k) => {
    const reached = attempts.filter((a) => a.reached > k);
    const previous = attempts.filter((a) => a.reached >= k).length;
    return {
      customers: reached.length,
      fromPrevious: k === 0 ? 1 : previous > 0 ? reached.length / previous : null,
      fromFirst: reached.length / attempts.length,
      medianSecondsFromPrevious:
        k === 0 ? null : median(reached.map((a) => (a.times[k]! - a.times[k - 1]!) / 1000)),
    };
  });
}

describe('funnels', () => {
  const steps = [{ event: 'Product Viewed' }, { event: 'Checkout Started' }, { event: 'Order Completed' }];

  it('counts an ordered funnel with a window like a brute-force search over every chain', async () => {
    const reply = await post('/api/insights/funnels', {
      ...period,
      steps,
      windowDays: 14,
      breakdown: 'channel',
    });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    const attempts = customers
      .map((c) =>
        referenceFunnel(eventsOf(c), steps, { from: FROM.getTime(), to: TO.getTime(), windowDays: 14 }),
      )
      .filter((a): a is RefAttempt => a !== null);
    expect(attempts.length).toBeGreaterThan(50);
    expect(body.steps.map((s: object) => ({ ...s, event: undefined, channel: undefined }))).toEqual(
      expectedSteps(attempts, 3).map((s) => ({ ...s, event: undefined, channel: undefined })),
    );
    expect(body.steps[2].customers).toBeGreaterThan(0);
    for (const group of body.breakdown) {
      const mine = attempts.filter((a) => a.entryChannel === group.key);
      expect(
        group.steps.map((s: { customers: number }) => s.customers),
        group.key,
      ).toEqual(expectedSteps(mine, 3).map((s) => s.customers));
    }
    expect(body.breakdown.map((g: { key: string }) => g.key).sort()).toEqual(['app', 'web']);
  });

  it('filters a step by channel and breaks down by customer type', async () => {
    const channelSteps = [{ event: 'Message Sent', channel: 'WhatsApp' }, { event: 'Order Completed' }];
    const reply = await post('/api/insights/funnels', {
      ...period,
      steps: channelSteps,
      windowDays: 30,
      breakdown: 'customerType',
    });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    const lower = [{ event: 'Message Sent', channel: 'whatsapp' }, { event: 'Order Completed' }];
    const byUser = customers.map((c) => ({
      type: c.customerType,
      attempt: referenceFunnel(eventsOf(c), lower, {
        from: FROM.getTime(),
        to: TO.getTime(),
        windowDays: 30,
      }),
    }));
    const attempts = byUser.flatMap((u) => (u.attempt ? [u.attempt] : []));
    expect(body.steps.map((s: { customers: number }) => s.customers)).toEqual(
      expectedSteps(attempts, 2).map((s) => s.customers),
    );
    for (const group of body.breakdown) {
      const mine = byUser.filter((u) => u.type === group.key).flatMap((u) => (u.attempt ? [u.attempt] : []));
      expect(group.steps[0].customers, group.key).toBe(mine.length);
      expect(group.steps[1].customers, group.key).toBe(mine.filter((a) => a.reached === 2).length);
    }
  });

  it('answers 400 for a one-step funnel and 422 when nobody entered', async () => {
    const short = await post('/api/insights/funnels', { steps: [{ event: 'Product Viewed' }] });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.field).toBe('body.steps');
    const empty = await post('/api/insights/funnels', {
      ...period,
      steps: [{ event: 'Never Happens' }, { event: 'Order Completed' }],
    });
    expect(empty.statusCode).toBe(422);
    expect(empty.json().error.field).toBe('steps[0].event');
  });
});

describe('channel effectiveness', () => {
  it('gives response and conversion rates by channel × segment × stage with the customers and touches behind them', async () => {
    const reply = await post('/api/insights/channel-effectiveness', {
      ...period,
      responseHours: 48,
      conversionDays: 30,
    });
    expect(reply.statusCode).toBe(200);
    const body = reply.json();
    const touches = referenceTouches(customers, {
      from: FROM.getTime(),
      to: TO.getTime(),
      responseHours: 48,
      conversionDays: 30,
      touchEvent: 'Message Sent',
      goalEvent: 'Order Completed',
    });
    expect(body.touches).toBe(touches.length);
    const cells = new Map<
      string,
      { touches: number; responses: number; conversions: number; users: Set<string> }
    >();
    for (const t of touches) {
      const key = [t.channel, t.customerType, t.tier, t.stage].join('|');
      const cell = cells.get(key) ?? { touches: 0, responses: 0, conversions: 0, users: new Set<string>() };
      cell.touches++;
      if (t.responded) cell.responses++;
      if (t.converted) cell.conversions++;
      cell.users.add(t.userId);
      cells.set(key, cell);
    }
    expect(body.rows).toHaveLength(cells.size);
    for (const row of body.rows) {
      const cell = cells.get([row.channel, row.customerType, row.tier, row.stage].join('|'));
      expect(cell, JSON.stringify(row)).toBeDefined();
      expect(row).toMatchObject({
        touches: cell!.touches,
        responses: cell!.responses,
        conversions: cell!.conversions,
        customers: cell!.users.size,
      });
      expect(row.responseRate).toBeCloseTo(cell!.responses / cell!.touches, 12);
      expect(row.conversionCi).toEqual(wilsonInterval(cell!.conversions, cell!.touches));
    }
    // Every stage occurs in this data, and WhatsApp draws more answers than SMS, as generated.
    expect(new Set(touches.map((t) => t.stage))).toEqual(new Set(['new', 'active', 'lapsed', 'prospect']));
  });

  it('groups by channel alone when asked, so small cells can be pooled', async () => {
    const reply = await post('/api/insights/channel-effectiveness', { ...period, groupBy: ['channel'] });
    expect(reply.statusCode).toBe(200);
    const rows = reply.json().rows as { channel: string; segment: null; stage: null; responseRate: number }[];
    expect(rows.map((r) => r.channel).sort()).toEqual(['email', 'sms', 'telegram', 'whatsapp']);
    expect(rows.every((r) => r.segment === null && r.stage === null)).toBe(true);
    const rate = (channel: string) => rows.find((r) => r.channel === channel)!.responseRate;
    expect(rate('whatsapp')).toBeGreaterThan(rate('sms'));
  });

  it('answers 400 when the touch is the goal, and 422 without touches', async () => {
    const same = await post('/api/insights/channel-effectiveness', { touchEvent: 'Order Completed' });
    expect(same.statusCode).toBe(400);
    expect(same.json().error.field).toBe('body.touchEvent');
    const none = await post('/api/insights/channel-effectiveness', { ...period, touchEvent: 'Push Sent' });
    expect(none.statusCode).toBe(422);
    expect(none.json().error.code).toBe('PSK_INSIGHTS_NOT_ENOUGH_DATA');
  });
});

describe('a hand-made example', () => {
  // u1: e-mail → clicks → views on web → buys on web.       path email › web, converts
  // u2: SMS → views in the app three days later.            path sms › app, does not
  // u3: views on web → WhatsApp → answers → buys in store.  path web › whatsapp › store, converts
  // u4: a B2B key account's buyer since 200 days, last bought 150 days ago; e-mail → buys 10 days later.
  const t0 = Date.parse('2025-03-01T00:00:00Z');
  const H = 3_600_000;
  const at = (ms: number) => new Date(t0 + ms).toISOString();
  let token = '';
  const ask = (url: string, payload: object) =>
    hub.app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload });
  const window = { from: '2025-02-01T00:00:00Z', to: '2025-04-01T00:00:00Z' };

  beforeAll(async () => {
    const other = await newWorkspace(hub);
    token = other.token;
    const track = (userId: string, event: string, channel: string, ms: number) => ({
      type: 'track',
      userId,
      event,
      channel,
      timestamp: at(ms),
    });
    const batch = [
      track('u1', 'Message Sent', 'email', 0),
      track('u1', 'Email Link Clicked', 'email', 2 * H),
      track('u1', 'Product Viewed', 'web', 24 * H),
      track('u1', 'Order Completed', 'web', 25 * H),
      track('u2', 'Message Sent', 'sms', 0),
      track('u2', 'Product Viewed', 'app', 72 * H),
      track('u3', 'Product Viewed', 'web', 0),
      track('u3', 'Message Sent', 'whatsapp', H),
      track('u3', 'Message Received', 'whatsapp', 2 * H),
      track('u3', 'Order Completed', 'store', 5 * H),
      { type: 'identify', userId: 'u4', traits: { email: 'u4@example.com' }, timestamp: at(-200 * 24 * H) },
      {
        type: 'group',
        userId: 'u4',
        groupId: 'acme',
        traits: { kind: 'b2b', tier: 'key' },
        timestamp: at(-199 * 24 * H),
      },
      track('u4', 'Order Completed', 'web', -150 * 24 * H),
      track('u4', 'Message Sent', 'email', 0),
      track('u4', 'Order Completed', 'web', 240 * H),
    ];
    expect((await send(hub, other.writeKey, 'batch', { batch })).statusCode).toBe(200);
  });

  it('gives the paths, transitions and attributions worked out by hand', async () => {
    const body = (await ask('/api/insights/paths', { ...window, lookbackDays: 30 })).json() as PathsReply;
    expect(body.customers).toBe(3);
    expect(body.journeys).toBe(4);
    expect(body.paths).toEqual([
      { channels: ['email', 'web'], customers: 2, share: 2 / 3 },
      { channels: ['web', 'whatsapp', 'store'], customers: 1, share: 1 / 3 },
    ]);
    const p = (from: string, to: string) =>
      body.transitions.find((t) => t.from === from && t.to === to)?.probability;
    expect(p('(start)', 'email')).toBe(0.5);
    expect(p('web', '(conversion)')).toBeCloseTo(2 / 3, 12);
    expect(p('app', '(null)')).toBe(1);
    // P(conversion) = 3/4; without e-mail 1/4, without web 0, without WhatsApp or store 1/2:
    // removal effects 2/3, 1, 1/3, 1/3 (sum 7/3) share the 3 conversions as 6/7, 9/7, 3/7, 3/7.
    expect(body.conversionProbability).toBeCloseTo(0.75, 12);
    const credit = Object.fromEntries(body.attribution.map((a) => [a.channel, a]));
    expect(credit.email).toMatchObject({ firstTouch: 2, lastTouch: 0, linear: 1 });
    expect(credit.email!.markov).toBeCloseTo(6 / 7, 12);
    expect(credit.web).toMatchObject({ firstTouch: 1, lastTouch: 2 });
    expect(credit.web!.linear).toBeCloseTo(4 / 3, 12);
    expect(credit.web!.markov).toBeCloseTo(9 / 7, 12);
    expect(credit.whatsapp!.markov).toBeCloseTo(3 / 7, 12);
    expect(credit.store!.removalEffect).toBeCloseTo(1 / 3, 12);
    expect(credit.sms).toMatchObject({ firstTouch: 0, markov: 0, removalEffect: 0 });
  });

  it('gives the funnel worked out by hand', async () => {
    const body = (
      await ask('/api/insights/funnels', {
        ...window,
        steps: [{ event: 'Product Viewed' }, { event: 'Order Completed' }],
        windowDays: 7,
      })
    ).json();
    expect(body.steps.map((s: { customers: number }) => s.customers)).toEqual([3, 2]);
    expect(body.steps[1].fromPrevious).toBeCloseTo(2 / 3, 12);
    expect(body.steps[1].medianSecondsFromPrevious).toBe((3600 + 5 * 3600) / 2);
  });

  it('gives the channel effectiveness worked out by hand', async () => {
    const body = (
      await ask('/api/insights/channel-effectiveness', { ...window, responseHours: 24, conversionDays: 7 })
    ).json();
    const row = (channel: string, segment: string, stage: string) =>
      body.rows.find(
        (r: { channel: string; segment: string; stage: string }) =>
          r.channel === channel && r.segment === segment && r.stage === stage,
      );
    expect(body.rows).toHaveLength(4);
    expect(row('email', 'b2c', 'new')).toMatchObject({ touches: 1, responses: 1, conversions: 1 });
    expect(row('email', 'b2b/key', 'lapsed')).toMatchObject({ touches: 1, responses: 0, conversions: 0 });
    expect(row('sms', 'b2c', 'new')).toMatchObject({ touches: 1, responses: 0, conversions: 0 });
    expect(row('whatsapp', 'b2c', 'new')).toMatchObject({ touches: 1, responses: 1, conversions: 1 });
  });
});
