// The one way events enter the hub. HTTP calls, channel messages, imports and the demo all end
// here. Group commit: requests arriving within a few milliseconds share one transaction, and each
// is answered only after that transaction committed, so an acknowledged event is durable.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import type { Metrics } from '../core/metrics.ts';
import type { Database } from '../db/database.ts';
import { normalizeEvent, type EventSource, type HubEvent } from './normalize-event.ts';
import type { SegmentCall } from './segment.schema.ts';
import { writeBatch, type EventOutcome } from './write-batch.ts';

export type BatchOutcome = { accepted: number; duplicates: number; results: EventOutcome[] };

// Bigger groups commit more per round trip but make every request in them wait longer.
const MAX_EVENTS_PER_FLUSH = 2_000;

type Pending = {
  workspaceId: string;
  events: HubEvent[];
  resolve(o: BatchOutcome): void;
  reject(e: unknown): void;
};

export type IngestPipeline = {
  ingest(input: { workspaceId: string; events: HubEvent[] }): Promise<BatchOutcome>;
  /** Waits for what is queued, then stops taking events. */
  close(): Promise<void>;
};

export function createIngestPipeline(deps: {
  db: Database;
  flushMs: number;
  logger: Logger;
  metrics: Metrics;
}): IngestPipeline {
  const countEvents = deps.metrics.counter('pishkhan_events_ingested_total', 'Events stored, by channel');
  const countRepeats = deps.metrics.counter(
    'pishkhan_events_duplicate_total',
    'Events dropped as repeats of a stored messageId',
  );
  const observeFlush = deps.metrics.histogram(
    'pishkhan_ingest_flush_seconds',
    'Time to commit one group of events',
    [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  );
  let queue: Pending[] = [];
  let timer: NodeJS.Timeout | null = null;
  let flushing: Promise<void> | null = null;
  let closed = false;

  const schedule = () => {
    if (timer || flushing || queue.length === 0) return;
    timer = setTimeout(() => {
      timer = null;
      flushing = flush().finally(() => {
        flushing = null;
        schedule();
      });
    }, deps.flushMs);
  };

  async function commit(workspaceId: string, group: Pending[]): Promise<void> {
    const started = performance.now();
    const events = group.flatMap((p) => p.events);
    const results = await deps.db.inWorkspace(workspaceId, (tx) => writeBatch(tx, workspaceId, events), {
      exclusive: true,
    });
    observeFlush((performance.now() - started) / 1000);
    const channels = new Map<string, number>();
    events.forEach((e, i) => {
      if (!results[i]!.duplicate) channels.set(e.channel, (channels.get(e.channel) ?? 0) + 1);
    });
    for (const [channel, n] of channels) countEvents(n, { channel });
    let offset = 0;
    for (const p of group) {
      const mine = results.slice(offset, offset + p.events.length);
      offset += p.events.length;
      const duplicates = mine.filter((r) => r.duplicate).length;
      countRepeats(duplicates);
      p.resolve({ accepted: mine.length - duplicates, duplicates, results: mine });
    }
  }

  async function flush(): Promise<void> {
    const taken: Pending[] = [];
    let size = 0;
    while (
      queue.length > 0 &&
      (taken.length === 0 || size + queue[0]!.events.length <= MAX_EVENTS_PER_FLUSH)
    ) {
      const next = queue.shift()!;
      size += next.events.length;
      taken.push(next);
    }
    const byWorkspace = new Map<string, Pending[]>();
    for (const p of taken) byWorkspace.set(p.workspaceId, [...(byWorkspace.get(p.workspaceId) ?? []), p]);
    for (const [workspaceId, group] of byWorkspace) {
      try {
        await commit(workspaceId, group);
      } catch (error) {
        // One bad request must not fail the others it was grouped with: retry each alone.
        if (group.length === 1) {
          deps.logger.error({ err: error, workspaceId }, 'ingest batch failed');
          group[0]!.reject(error);
          continue;
        }
        for (const p of group) await commit(workspaceId, [p]).catch((e: unknown) => p.reject(e));
      }
    }
  }

  return {
    ingest({ workspaceId, events }) {
      if (closed) return Promise.reject(new Error('The ingest pipeline is closed'));
      if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, results: [] });
      return new Promise<BatchOutcome>((resolve, reject) => {
        queue.push({ workspaceId, events, resolve, reject });
        schedule();
      });
    },
    async close() {
      closed = true;
      while (queue.length > 0 || flushing || timer) {
        if (timer) {
          clearTimeout(timer);
          timer = null;
          flushing = flush().finally(() => (flushing = null));
        }
        await flushing;
      }
      queue = [];
    },
  };
}

export type Interaction = {
  workspaceId: string;
  channel: string;
  /** What happened, as a track event name: `Message Received`, `Call Ended`, `Store Purchase`, `Webinar Attended`… */
  event: string;
  identifiers: { userId?: string; anonymousId?: string; traits?: Record<string, unknown> };
  properties?: Record<string, unknown>;
  /** The provider's or system's id of the interaction: repeats are stored once. */
  messageId: string;
  timestamp?: Date;
  sourceId?: string | null;
};

/**
 * How channels and units write interactions (a message, a call, a store purchase, a webinar
 * attendance, a partner's report): a track event with a channel, through the same pipeline.
 */
export async function recordInteraction(
  pipeline: IngestPipeline,
  interaction: Interaction,
): Promise<Result<BatchOutcome, AppError>> {
  const source: EventSource = {
    sourceId: interaction.sourceId ?? null,
    sourceName: interaction.channel,
    channel: interaction.channel,
    traitPriority: 0,
  };
  const call: SegmentCall = {
    type: 'track',
    event: interaction.event,
    messageId: interaction.messageId,
    userId: interaction.identifiers.userId ?? null,
    anonymousId: interaction.identifiers.anonymousId ?? null,
    properties: interaction.properties ?? {},
    context: interaction.identifiers.traits ? { traits: interaction.identifiers.traits } : {},
    timestamp: (interaction.timestamp ?? new Date()).toISOString(),
    channel: interaction.channel,
  };
  const event = normalizeEvent(call, new Date(), source);
  if (event.identifiers.length === 0) {
    return err(
      appError('PSK_INGEST_INVALID_EVENT', {
        field: 'identifiers',
        message: 'An interaction needs at least one identifier of the customer (field: identifiers)',
      }),
    );
  }
  return ok(await pipeline.ingest({ workspaceId: interaction.workspaceId, events: [event] }));
}
