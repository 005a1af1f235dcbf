// Seeded multi-channel customer journeys as Segment calls, for the journeys' tests and benchmark:
// shoppers and B2B/B2G buyers who browse on web and app, get campaign messages on e-mail, SMS,
// WhatsApp and Telegram (and answer some of them), write to the service desk, call, visit the
// store, start checkouts and buy; some go quiet for months and come back. Response and purchase chances differ by channel and segment, so
// the analyses have something to find. Every customer's events are at distinct times.
import { seededRandom } from '../../core/seeded-random.ts';
import type { SegmentCall } from '../../ingest/segment.schema.ts';

export type SyntheticCustomer = {
  userId: string;
  customerType: 'b2c' | 'b2b' | 'b2g';
  tier: 'small' | 'mid' | 'key' | null;
  calls: SegmentCall[];
};

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const OUTBOUND = ['email', 'sms', 'whatsapp', 'telegram'] as const;
const RESPONSE_CHANCE: Record<(typeof OUTBOUND)[number], number> = {
  email: 0.2,
  sms: 0.15,
  whatsapp: 0.5,
  telegram: 0.35,
};

export function syntheticJourneys(input: {
  seed: number;
  customers: number;
  /** Journeys start up to `historyDays` before `end` and run a little past it. */
  end: Date;
  historyDays: number;
  prefix?: string;
}): SyntheticCustomer[] {
  const random = seededRandom(input.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const end = input.end.getTime();
  const prefix = input.prefix ?? 'j';
  return Array.from({ length: input.customers }, (_, i) => {
    const userId = `${prefix}-${i}`;
    const roll = random();
    const customerType = roll < 0.7 ? 'b2c' : roll < 0.9 ? 'b2b' : 'b2g';
    const tier = customerType === 'b2c' ? null : pick(['small', 'mid', 'key'] as const);
    const calls: SegmentCall[] = [];
    let at = end - Math.floor(random() * input.historyDays * DAY);
    const add = (call: Record<string, unknown>) =>
      calls.push({
        userId,
        messageId: `${userId}-${calls.length}`,
        timestamp: new Date(at).toISOString(),
        ...call,
      } as SegmentCall);
    const track = (event: string, channel: string, properties: Record<string, unknown> = {}) =>
      add({ type: 'track', event, channel, properties });

    if (random() < 0.6) add({ type: 'page', name: 'Home', channel: 'web', properties: { path: '/' } });
    else add({ type: 'screen', name: 'Home', channel: 'app' });
    at += MINUTE;
    add({ type: 'identify', channel: 'web', traits: { email: `${userId}@example.com` } });
    if (tier) {
      at += MINUTE;
      add({
        type: 'group',
        channel: 'crm',
        groupId: `acct-${userId}`,
        traits: { name: `Account ${i}`, kind: customerType, tier },
      });
    }
    const steps = 2 + Math.floor(random() * 10);
    for (let s = 0; s < steps && at < end + 10 * DAY; s++) {
      at += MINUTE + Math.floor(random() ** 2 * 20 * DAY);
      // Some customers go quiet for months and come back: lapsed buyers.
      if (random() < 0.08) at += Math.floor((60 + random() * 120) * DAY);
      const action = random();
      if (action < 0.3) {
        const channel = pick(OUTBOUND);
        track('Message Sent', channel, { campaign: `c-${s % 4}` });
        const chance = RESPONSE_CHANCE[channel] + (customerType !== 'b2c' && channel === 'email' ? 0.3 : 0);
        if (random() < chance) {
          at += MINUTE + Math.floor(random() * 60 * HOUR);
          if (channel === 'email') track('Email Link Clicked', 'email');
          else track('Message Received', channel, { text: 'سلام، قیمتش چنده؟' });
        }
      } else if (action < 0.65) {
        track('Product Viewed', random() < 0.6 ? 'web' : 'app', {
          product_id: `p-${Math.floor(random() * 10)}`,
        });
      } else if (action < 0.75) {
        if (random() < 0.7) track('Message Received', pick(['whatsapp', 'telegram', 'instagram']));
        else track('Call Ended', 'call', { direction: 'inbound' });
      } else if (random() < 0.8) {
        const channel = random() < 0.5 ? 'web' : 'app';
        track('Checkout Started', channel);
        if (random() < 0.6) {
          at += MINUTE + Math.floor(random() * 3 * DAY);
          track('Order Completed', channel, { revenue: 100 + Math.floor(random() * 900) });
        }
      } else {
        track('Order Completed', 'store', { revenue: 50 + Math.floor(random() * 500) });
      }
    }
    return { userId, customerType, tier, calls };
  });
}
