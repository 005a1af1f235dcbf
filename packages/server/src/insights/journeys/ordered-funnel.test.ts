import { describe, expect, it } from 'vitest';
import {
  bestFunnelAttempt,
  median,
  summarizeFunnel,
  type FunnelAttempt,
  type FunnelEvent,
  type FunnelStep,
} from './ordered-funnel.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const steps: FunnelStep[] = [
  { event: 'Product Viewed' },
  { event: 'Checkout Started' },
  { event: 'Order Completed' },
];
const ev = (hours: number, event: string, channel = 'web'): FunnelEvent => ({
  at: hours * HOUR,
  event,
  channel,
});
const attempt = (events: FunnelEvent[], windowMs = 7 * DAY, entryFrom = 0, entryTo = 1000 * DAY) =>
  bestFunnelAttempt({ steps, events, windowMs, entryFrom, entryTo });

describe('bestFunnelAttempt', () => {
  it('follows the steps in order with other events between them', () => {
    const a = attempt([
      ev(0, 'Product Viewed', 'app'),
      ev(1, 'Page Viewed'),
      ev(2, 'Checkout Started'),
      ev(5, 'Order Completed', 'store'),
    ]);
    expect(a).toEqual({ reached: 3, times: [0, 2 * HOUR, 5 * HOUR], entryChannel: 'app' });
  });

  it('does not count a later step that happened before the earlier one', () => {
    // Checkout before the view: out of order, so only the view counts.
    const a = attempt([ev(0, 'Checkout Started'), ev(1, 'Product Viewed'), ev(3, 'Order Completed')]);
    expect(a?.reached).toBe(1);
  });

  it('stops at the first step that falls outside the window from step 1', () => {
    const a = attempt([ev(0, 'Product Viewed'), ev(24, 'Checkout Started'), ev(24 * 8, 'Order Completed')]);
    expect(a?.reached).toBe(2);
    // The window is inclusive: exactly 7 days after step 1 still counts.
    const edge = attempt([
      ev(0, 'Product Viewed'),
      ev(24, 'Checkout Started'),
      ev(24 * 7, 'Order Completed'),
    ]);
    expect(edge?.reached).toBe(3);
  });

  it('takes the attempt that gets furthest, the earliest of those', () => {
    // The first view leads nowhere in time; the second one converts.
    const events = [
      ev(0, 'Product Viewed', 'email'),
      ev(24 * 10, 'Product Viewed', 'whatsapp'),
      ev(24 * 10 + 1, 'Checkout Started'),
      ev(24 * 10 + 2, 'Order Completed'),
      ev(24 * 11, 'Product Viewed', 'sms'),
    ];
    const a = attempt(events);
    expect(a).toEqual({
      reached: 3,
      times: [240 * HOUR, 241 * HOUR, 242 * HOUR],
      entryChannel: 'whatsapp',
    });
  });

  it('needs the step-1 event inside the period, while later steps may fall after it', () => {
    const events = [ev(0, 'Product Viewed'), ev(48, 'Product Viewed'), ev(49, 'Checkout Started')];
    expect(attempt(events, 7 * DAY, 24 * HOUR, 72 * HOUR)?.times).toEqual([48 * HOUR, 49 * HOUR]);
    expect(attempt(events, 7 * DAY, 24 * HOUR, 48 * HOUR)).toBeNull();
    expect(attempt(events, 7 * DAY, 0, 1)).toMatchObject({ reached: 2, times: [0, 49 * HOUR] });
  });

  it('never uses one event for two steps, and respects a step’s channel', () => {
    const same: FunnelStep[] = [{ event: 'Page Viewed' }, { event: 'Page Viewed' }];
    const once = bestFunnelAttempt({
      steps: same,
      events: [ev(0, 'Page Viewed')],
      windowMs: DAY,
      entryFrom: 0,
      entryTo: DAY,
    });
    expect(once?.reached).toBe(1);
    const onChannel = bestFunnelAttempt({
      steps: [{ event: 'Message Sent', channel: 'email' }, { event: 'Order Completed' }],
      events: [ev(0, 'Message Sent', 'sms'), ev(1, 'Order Completed')],
      windowMs: DAY,
      entryFrom: 0,
      entryTo: DAY,
    });
    expect(onChannel).toBeNull();
  });

  it('matches events at the same moment in the order given', () => {
    const a = attempt([ev(5, 'Product Viewed'), ev(5, 'Checkout Started'), ev(5, 'Order Completed')]);
    expect(a?.reached).toBe(3);
    const reversed = attempt([ev(5, 'Checkout Started'), ev(5, 'Product Viewed')]);
    expect(reversed?.reached).toBe(1);
  });
});

describe('summarizeFunnel', () => {
  it('counts customers per step with conversion from previous and first, and median gaps', () => {
    const attempts: FunnelAttempt[] = [
      { reached: 3, times: [0, 10_000, 40_000], entryChannel: 'web' },
      { reached: 3, times: [0, 20_000, 30_000], entryChannel: 'web' },
      { reached: 2, times: [0, 60_000], entryChannel: 'email' },
      { reached: 1, times: [0], entryChannel: 'email' },
    ];
    expect(summarizeFunnel(steps, attempts)).toEqual([
      {
        event: 'Product Viewed',
        channel: null,
        customers: 4,
        fromPrevious: 1,
        fromFirst: 1,
        medianSecondsFromPrevious: null,
      },
      {
        event: 'Checkout Started',
        channel: null,
        customers: 3,
        fromPrevious: 0.75,
        fromFirst: 0.75,
        medianSecondsFromPrevious: 20,
      },
      {
        event: 'Order Completed',
        channel: null,
        customers: 2,
        fromPrevious: 2 / 3,
        fromFirst: 0.5,
        medianSecondsFromPrevious: 20,
      },
    ]);
  });

  it('answers null rates when a step had nobody before it', () => {
    const figures = summarizeFunnel(steps, [{ reached: 1, times: [0], entryChannel: 'web' }]);
    expect(figures[1]).toMatchObject({ customers: 0, fromPrevious: 0, fromFirst: 0 });
    expect(figures[2]).toMatchObject({ customers: 0, fromPrevious: null, fromFirst: 0 });
  });

  it('takes the middle of an even list as the mean of the two middle values', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
