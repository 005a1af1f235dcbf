import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../core/logger.ts';
import { CopyColumns } from '../db/copy-text.ts';
import { createBodyReaders } from './body-readers.ts';
import type { HubEvent } from './normalize-event.ts';
import { readSegmentBody, type SegmentBody } from './read-segment-body.ts';

const source = {
  sourceId: '0190b0a0-0000-7000-8000-000000000001',
  sourceName: 'crm',
  channel: 'web',
  traitPriority: 5,
};
const readers = createBodyReaders({ threads: 1, logger: createLogger('silent') });
afterAll(() => readers.close());

function bodyOf(batch: unknown[], extra: Record<string, unknown> = {}): SegmentBody {
  const raw = Buffer.from(JSON.stringify({ batch, ...extra }));
  return { raw, gzip: false, endpoint: 'batch', receivedAt: Date.parse('2026-12-06T10:00:00Z'), source };
}

const calls = Array.from({ length: 120 }, (_, i) => ({
  messageId: `m${i}`,
  ...(i % 10 === 0
    ? {
        type: 'identify',
        userId: `u${i}`,
        traits: { email: `U${i}@Example.ir `, phone: '۰۹۱۲۱۲۳۴۵۶۷', name: 'کاربر\tآزمایشی' },
      }
    : i % 17 === 0
      ? {
          type: 'group',
          userId: `u${i}`,
          groupId: `g${i}`,
          traits: { name: 'شرکت' },
          context: { membership: { roles: ['champion'] } },
        }
      : {
          type: 'track',
          anonymousId: `a${i}`,
          event: 'Product Viewed',
          timestamp: '2026-12-06T09:59:00Z',
          properties: { name: 'گوشی "هوشمند"\\', price: 185000000, line: 'a\nb' },
        }),
}));

/** Reads until the thread has started and read it (the first bodies are read in place meanwhile). */
async function readOnThread(body: SegmentBody): Promise<HubEvent[]> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const read = await readers.read({ ...body, raw: Buffer.from(body.raw) });
    const events = read._unsafeUnwrap();
    if (typeof events[0]!.columns === 'string') return events;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the parsing thread never read a body');
}

/** An event's columns as COPY text without the event id, which each read makes anew. */
const columnsOf = (e: HubEvent) =>
  (typeof e.columns === 'string' ? e.columns : CopyColumns.encode(e.columns)).replace(/^[^\t]*\t/, '');

describe('parsing threads', () => {
  it('read a batch into the same events as the request thread does, columns as COPY text', async () => {
    const body = bodyOf(calls, { sentAt: '2026-12-06T09:59:30Z', context: { locale: 'fa-IR' } });
    const inPlace = readSegmentBody(body);
    if (!inPlace.ok) throw new Error(inPlace.error.message);
    const threaded = await readOnThread(body);
    expect(threaded).toHaveLength(calls.length);
    const rest = ({ columns: _columns, ...other }: HubEvent) => other;
    expect(threaded.map(rest)).toEqual(inPlace.events.map(rest));
    expect(threaded.map(columnsOf)).toEqual(inPlace.events.map(columnsOf));
  });

  it('answer an invalid batch with the error the request thread gives', async () => {
    await readOnThread(bodyOf(calls));
    const invalid = bodyOf([...calls, { type: 'track', userId: 'u' }]);
    const threaded = await readers.read({ ...invalid, raw: Buffer.from(invalid.raw) });
    const inPlace = readSegmentBody(invalid);
    expect(threaded.isErr()).toBe(true);
    expect(inPlace.ok).toBe(false);
    if (threaded.isErr() && !inPlace.ok) {
      expect(threaded.error).toEqual(inPlace.error);
      expect(threaded.error.field).toBe('batch[120].event');
    }
  });

  it('take bodies only while more events wait to be written than a few groups hold', async () => {
    let waiting = 5_000;
    const adaptive = createBodyReaders({
      threads: 1,
      logger: createLogger('silent'),
      waitingEvents: () => waiting,
    });
    const onThread = async () => {
      const events = (await adaptive.read({ ...body, raw: Buffer.from(body.raw) }))._unsafeUnwrap();
      return typeof events[0]!.columns === 'string';
    };
    const body = bodyOf(calls);
    try {
      let threaded = false;
      // The first bodies start the thread and are read in place while it gets ready.
      for (let attempt = 0; attempt < 200 && !threaded; attempt++) {
        threaded = await onThread();
        if (!threaded) await new Promise((r) => setTimeout(r, 25));
      }
      expect(threaded).toBe(true);
      waiting = 300; // half load: a few groups' worth
      expect(await onThread()).toBe(false);
      waiting = 1_001;
      expect(await onThread()).toBe(true);
    } finally {
      await adaptive.close();
    }
  });

  it('read small bodies in place, where a hop to another thread costs more than reading', async () => {
    await readOnThread(bodyOf(calls));
    const small = await readers.read(bodyOf(calls.slice(0, 2)));
    expect(Array.isArray(small._unsafeUnwrap()[0]!.columns)).toBe(true);
  });
});
