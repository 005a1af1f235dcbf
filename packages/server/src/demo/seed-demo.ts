// Fills a demo workspace with a few thousand customers and their events, through the same ingest
// pipeline as live traffic, with a progress bar.
import { hash as argonHash } from '@node-rs/argon2';
import cliProgress from 'cli-progress';
import { uuidv7 } from '../core/ids.ts';
import { seededRandom } from '../core/seeded-random.ts';
import type { Database } from '../db/database.ts';
import type { IngestPipeline } from '../ingest/ingest.service.ts';
import { normalizeEvent, type HubEvent } from '../ingest/normalize-event.ts';
import type { SegmentCall } from '../ingest/segment.schema.ts';
import { createSource, createWorkspaceWithOwner } from '../workspaces/workspaces.service.ts';
import {
  CITIES,
  COMPANIES,
  FIRST_NAMES,
  LAST_NAMES,
  LATIN_NAMES,
  PRODUCTS,
  SUPPORT_TEXTS,
} from './demo-data.ts';

export const DEMO_LOGIN = { email: 'demo@pishkhan.local', password: 'demo-pishkhan-2026' };
const DAY = 86_400_000;

export async function seedDemo(input: {
  db: Database;
  ingest: IngestPipeline;
  customers: number;
  now?: Date;
  progress: boolean;
}): Promise<{ workspaceId: string; events: number; created: boolean }> {
  const existing = await input.db.asSystem((tx) =>
    tx.query<{ id: string }>('SELECT id FROM workspaces WHERE is_demo LIMIT 1'),
  );
  if (existing[0]) return { workspaceId: existing[0].id, events: 0, created: false };

  const { workspaceId } = await input.db.asSystem(async (tx) =>
    createWorkspaceWithOwner(tx, {
      workspace: 'بازار نوین (دمو)',
      email: DEMO_LOGIN.email,
      name: 'مدیر دمو',
      passwordHash: await argonHash(DEMO_LOGIN.password),
      isDemo: true,
    }),
  );
  const sources = {
    web: await createSource(input.db, { workspaceId, name: 'وب‌سایت', channel: 'web', traitPriority: 0 }),
    app: await createSource(input.db, {
      workspaceId,
      name: 'اپلیکیشن موبایل',
      channel: 'app',
      traitPriority: 0,
    }),
    crm: await createSource(input.db, { workspaceId, name: 'CRM فروش', channel: 'crm', traitPriority: 10 }),
  };
  const random = seededRandom(1405);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const now = (input.now ?? new Date()).getTime();
  const calls: { call: SegmentCall; sourceId: string; channel: string }[] = [];
  const push = (call: SegmentCall, source: { id: string; channel: string }) =>
    calls.push({ call, sourceId: source.id, channel: source.channel });

  for (let i = 0; i < input.customers; i++) {
    const first = Math.floor(random() * FIRST_NAMES.length);
    const userId = `cust-${10000 + i}`;
    const phone = `09${pick(['12', '13', '19', '35', '36', '01', '21'])}${String(Math.floor(random() * 1e7)).padStart(7, '0')}`;
    const email = `${LATIN_NAMES[first]}.${i}@example.ir`;
    const since = now - Math.floor(random() * 540) * DAY;
    const anonymousId = uuidv7(since);
    const at = (offsetDays: number) => new Date(Math.min(now, since + offsetDays * DAY)).toISOString();
    push(
      { type: 'page', anonymousId, name: 'صفحه اصلی', properties: { path: '/' }, timestamp: at(0) },
      sources.web,
    );
    push(
      {
        type: 'identify',
        userId,
        anonymousId,
        traits: {
          name: `${FIRST_NAMES[first]} ${pick(LAST_NAMES)}`,
          email,
          phone,
          city: pick(CITIES),
          language: random() < 0.9 ? 'fa' : 'en',
        },
        timestamp: at(0.01),
      },
      sources.web,
    );
    const orders = Math.floor(random() ** 2 * 6);
    for (let o = 0; o < orders; o++) {
      const items = Array.from({ length: 1 + Math.floor(random() * 3) }, () => pick(PRODUCTS));
      const day = random() * 500;
      push(
        {
          type: 'track',
          userId,
          event: 'Product Viewed',
          properties: { product_id: items[0]!.id, name: items[0]!.name },
          timestamp: at(day - 0.1),
        },
        sources.app,
      );
      const inStore = random() < 0.2;
      push(
        {
          type: 'track',
          userId,
          event: 'Order Completed',
          channel: inStore ? 'store' : random() < 0.5 ? 'app' : 'web',
          properties: {
            order_id: `o-${i}-${o}`,
            revenue: items.reduce((s, p) => s + p.price, 0),
            currency: 'IRR',
            products: items.map((p) => ({
              product_id: p.id,
              name: p.name,
              category: p.category,
              price: p.price,
              quantity: 1,
            })),
          },
          timestamp: at(day),
        },
        sources.web,
      );
    }
    if (random() < 0.35) {
      const channel = pick(['whatsapp', 'telegram', 'email', 'voice', 'webchat', 'instagram']);
      push(
        {
          type: 'track',
          userId,
          event: channel === 'voice' ? 'Call Ended' : 'Message Received',
          channel,
          properties:
            channel === 'voice'
              ? { durationSeconds: Math.floor(random() * 600), direction: 'inbound' }
              : { text: pick(SUPPORT_TEXTS) },
          context: { traits: { phone } },
          timestamp: at(random() * 500),
        },
        sources.crm,
      );
    }
    if (random() < 0.05)
      push(
        {
          type: 'track',
          userId,
          event: 'Webinar Attended',
          channel: 'webinar',
          properties: { title: 'معرفی محصولات جدید' },
          timestamp: at(random() * 400),
        },
        sources.crm,
      );
    if (i < COMPANIES.length * 6) {
      const company = COMPANIES[i % COMPANIES.length]!;
      const roles = [
        ['economic_buyer'],
        ['champion', 'user'],
        ['user'],
        ['decision_maker'],
        ['operator'],
        ['billing'],
      ][Math.floor(i / COMPANIES.length) % 6]!;
      push(
        {
          type: 'group',
          userId,
          groupId: `acct-${i % COMPANIES.length}`,
          traits: {
            name: company.name,
            kind: company.kind,
            tier: pick(['small', 'mid', 'key']),
            industry: company.kind === 'b2g' ? 'دولتی' : 'خصوصی',
          },
          context: { membership: { roles } },
          timestamp: at(1),
        },
        sources.crm,
      );
      push(
        {
          type: 'track',
          userId,
          event: 'Partner Report',
          channel: 'partner',
          properties: { partner: 'نمایندگی شیراز', note: 'درخواست پیش‌فاکتور' },
          timestamp: at(2),
        },
        sources.crm,
      );
    }
  }

  const bar = input.progress
    ? new cliProgress.SingleBar(
        { format: 'demo data [{bar}] {percentage}% | {value}/{total} events' },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(calls.length, 0);
  const receivedAt = new Date(now);
  for (let start = 0; start < calls.length; start += 500) {
    const events: HubEvent[] = calls.slice(start, start + 500).map(({ call, sourceId, channel }) =>
      normalizeEvent(call, receivedAt, {
        sourceId,
        sourceName: sourceId === sources.crm.id ? sources.crm.name : null,
        channel,
        traitPriority: sourceId === sources.crm.id ? 10 : 0,
      }),
    );
    await input.ingest.ingest({ workspaceId, events });
    bar?.update(Math.min(calls.length, start + 500));
  }
  bar?.stop();
  return { workspaceId, events: calls.length, created: true };
}
