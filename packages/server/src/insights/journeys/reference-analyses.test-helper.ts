// Plain, slow re-statements of the journey analyses straight from their definitions, over the
// generated calls — what the HTTP results are checked against. They share no code with the
// service: brute force for funnels, value iteration for the Markov chain, loops for the rest.
import type { SyntheticCustomer } from './synthetic-journeys.ts';

const TOUCH_TYPES = new Set(['track', 'page', 'screen']);
const OUTBOUND = new Set([
  'Message Sent',
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Push Notification Sent',
]);
const DAY = 86_400_000;

export type RefEvent = { type: string; event: string | null; channel: string; at: number };

export function eventsOf(customer: SyntheticCustomer): RefEvent[] {
  return customer.calls
    .map((c) => {
      const call = c as { type: string; event?: string; name?: string; channel?: string; timestamp?: string };
      return {
        type: call.type,
        event:
          call.type === 'track'
            ? call.event!
            : call.type === 'page' || call.type === 'screen'
              ? (call.name ?? null)
              : null,
        channel: call.channel!,
        at: new Date(call.timestamp!).getTime(),
      };
    })
    .sort((a, b) => a.at - b.at);
}

const isTouch = (e: RefEvent) => TOUCH_TYPES.has(e.type);

export type RefPath = { channels: string[]; converted: boolean };

export function referencePaths(
  customers: SyntheticCustomer[],
  o: { from: number; to: number; lookbackDays: number; maxSteps: number } & (
    { goalEvent: string } | { inactiveDays: number }
  ),
): RefPath[] {
  const paths: RefPath[] = [];
  for (const customer of customers) {
    const touches = eventsOf(customer).filter(isTouch);
    let end: number;
    let converted: boolean;
    if ('goalEvent' in o) {
      const inPeriod = touches.filter((e) => e.at >= o.from && e.at < o.to);
      if (inPeriod.length === 0) continue;
      const goal = inPeriod.find((e) => e.type === 'track' && e.event === o.goalEvent);
      converted = goal !== undefined;
      end = goal ? goal.at : inPeriod[inPeriod.length - 1]!.at;
    } else {
      const inactive = o.inactiveDays * DAY;
      const seen = touches.filter((e) => e.at >= o.from - inactive && e.at < o.to);
      if (seen.length === 0) continue;
      end = seen[seen.length - 1]!.at;
      converted = end <= o.to - inactive;
    }
    const channels: string[] = [];
    for (const e of touches)
      if (e.at > end - o.lookbackDays * DAY && e.at <= end && channels[channels.length - 1] !== e.channel)
        channels.push(e.channel);
    paths.push({ channels: channels.slice(-o.maxSteps), converted });
  }
  return paths;
}

/** P(conversion) from (start), by iterating p ← Q·p + r to a fixed point, with `removed` fixed at 0. */
export function referenceConversionProbability(paths: RefPath[], removed: string | null): number {
  const out = new Map<string, Map<string, number>>();
  const bump = (from: string, to: string) => {
    const row = out.get(from) ?? new Map<string, number>();
    row.set(to, (row.get(to) ?? 0) + 1);
    out.set(from, row);
  };
  for (const p of paths) {
    const walk = ['(start)', ...p.channels, p.converted ? '(conversion)' : '(null)'];
    for (let i = 1; i < walk.length; i++) bump(walk[i - 1]!, walk[i]!);
  }
  const value = new Map<string, number>([['(conversion)', 1]]);
  for (let iteration = 0; iteration < 20_000; iteration++) {
    let change = 0;
    for (const [from, row] of out) {
      if (from === removed) continue;
      const total = [...row.values()].reduce((s, c) => s + c, 0);
      let v = 0;
      for (const [to, count] of row) v += (count / total) * (to === removed ? 0 : (value.get(to) ?? 0));
      change = Math.max(change, Math.abs(v - (value.get(from) ?? 0)));
      value.set(from, v);
    }
    if (change < 1e-15) break;
  }
  return value.get('(start)') ?? 0;
}

export type RefAttempt = { reached: number; times: number[]; entryChannel: string };

/** Every chain of step events is tried: the deepest, from the earliest start, first in index order. */
export function referenceFunnel(
  events: RefEvent[],
  steps: { event: string; channel?: string }[],
  o: { from: number; to: number; windowDays: number },
): RefAttempt | null {
  const list = events.filter(isTouch);
  const fits = (k: number, e: RefEvent) =>
    e.event === steps[k]!.event && (steps[k]!.channel === undefined || e.channel === steps[k]!.channel);
  let best: RefAttempt | null = null;
  const deepest = (k: number, after: number, start: number): number[] => {
    let bestChain: number[] = [];
    if (k === steps.length) return bestChain;
    for (let j = after + 1; j < list.length; j++) {
      if (!fits(k, list[j]!) || list[j]!.at - start > o.windowDays * DAY) continue;
      const chain = [j, ...deepest(k + 1, j, start)];
      if (chain.length > bestChain.length) bestChain = chain;
    }
    return bestChain;
  };
  list.forEach((e, i) => {
    if (!fits(0, e) || e.at < o.from || e.at >= o.to) return;
    const chain = [i, ...deepest(1, i, e.at)];
    if (!best || chain.length > best.reached)
      best = { reached: chain.length, times: chain.map((j) => list[j]!.at), entryChannel: e.channel };
  });
  return best;
}

export type RefTouch = {
  channel: string;
  customerType: string;
  tier: string;
  stage: 'new' | 'active' | 'lapsed' | 'prospect';
  responded: boolean;
  converted: boolean;
  userId: string;
};

export function referenceTouches(
  customers: SyntheticCustomer[],
  o: {
    from: number;
    to: number;
    responseHours: number;
    conversionDays: number;
    touchEvent: string;
    goalEvent: string;
  },
): RefTouch[] {
  const touches: RefTouch[] = [];
  for (const customer of customers) {
    const events = eventsOf(customer);
    const firstSeen = events[0]!.at;
    for (const t of events) {
      if (t.type !== 'track' || t.event !== o.touchEvent || t.at < o.from || t.at >= o.to) continue;
      const after = events.filter((e) => e.at > t.at);
      const responded = after.some(
        (e) =>
          isTouch(e) &&
          !(e.type === 'track' && (OUTBOUND.has(e.event!) || e.event === o.touchEvent)) &&
          e.at <= t.at + o.responseHours * 3_600_000,
      );
      const converted = after.some(
        (e) => e.type === 'track' && e.event === o.goalEvent && e.at <= t.at + o.conversionDays * DAY,
      );
      const purchases = events.filter(
        (e) => e.type === 'track' && e.event === 'Order Completed' && e.at < t.at,
      );
      const lastPurchase = purchases.length > 0 ? purchases[purchases.length - 1]!.at : null;
      const stage =
        firstSeen > t.at - 30 * DAY
          ? 'new'
          : lastPurchase !== null && lastPurchase >= t.at - 90 * DAY
            ? 'active'
            : lastPurchase !== null
              ? 'lapsed'
              : 'prospect';
      touches.push({
        channel: t.channel,
        customerType: customer.customerType,
        tier: customer.tier ?? 'none',
        stage,
        responded,
        converted,
        userId: customer.userId,
      });
    }
  }
  return touches;
}
