// The one way events enter the hub. HTTP calls, channel messages, imports and the demo all end
// here. Group commit: requests arriving within a few milliseconds share one transaction, and each
// is answered only after that transaction committed, so an acknowledged event is durable.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import type { Logger } from '../core/logger.ts';
import { LATENCY_BUCKETS, type Metrics } from '../core/metrics.ts';
import type { Database } from '../db/database.ts';
import { normalizeEvent, type EventSource, type HubEvent } from './normalize-event.ts';
import type { SegmentCall } from './segment.schema.ts';
import { writeBatch, type EventOutcome } from './write-batch.ts';
import { keyOf } from '../core/identifiers.ts';
import { createKnownIdentifiers } from '../identity/known-identifiers.ts';

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
  /** Events taken and not yet answered: queued, or in a group being written. */
  waitingEvents(): number;
  /** Waits for what is queued, then stops taking events. */
  close(): Promise<void>;
};

/**
 * A group being written. The next group starts as soon as this one has decided its identity
 * work and let go of the workspace's identity lock (on a server, with the round trip that also
 * appends its events and commits: the next one's opening waits for it there); a group that
 * repeats one of its messageIds or uses identifiers it created waits for it to commit first,
 * since it could not see them yet.
 */
type InFlight = {
  workspaceId: string;
  messageIds: Set<string>;
  created: Set<string>;
  release(): void;
  done: Promise<void>;
};

// Groups written at once: one resolving identities, the others appending events and committing.
const MAX_IN_FLIGHT = 3;
// Unique violations and deadlocks come from races with another hub process: the retry sees its
// rows. A first attempt also takes its messageIds to be new and identities unchanged since they
// were read (write-batch.ts, `assumeNew`): a unique violation or a serialization failure then
// means it was wrong, and the retry reads.
const RETRYABLE = new Set(['23505', '40P01', '40001']);
const MAX_ATTEMPTS = 3;
// ~200 bytes each: 250,000 identifiers of a workspace kept in ~50 MB.
const KNOWN_IDENTIFIERS_LIMIT = 250_000;

export function createIngestPipeline(deps: {
  db: Database;
  flushMs: number;
  logger: Logger;
  metrics: Metrics;
  /** Identifiers whose customer the pipeline keeps in memory, per workspace (0: none, look each up). */
  knownIdentifiersLimit?: number;
}): IngestPipeline {
  const knownIdentifiers = createKnownIdentifiers(deps.knownIdentifiersLimit ?? KNOWN_IDENTIFIERS_LIMIT);
  const countEvents = deps.metrics.counter('pishkhan_events_ingested_total', 'Events stored, by channel');
  const countRepeats = deps.metrics.counter(
    'pishkhan_events_duplicate_total',
    'Events dropped as repeats of a stored messageId',
  );
  const countRetries = deps.metrics.counter(
    'pishkhan_ingest_retries_total',
    'Groups written again, by the error that failed them: 23505 a repeat taken to be new (or a race), 40001 identities changed since read, 40P01 a deadlock',
  );
  const observeFlush = deps.metrics.histogram(
    'pishkhan_ingest_flush_seconds',
    'Time to commit one group of events',
    LATENCY_BUCKETS,
  );
  let queue: Pending[] = [];
  // Cancels the flush that is scheduled; null when none is.
  let cancelFlush: (() => void) | null = null;
  let flushing: Promise<void> | null = null;
  let inFlight: InFlight[] = [];
  let closed = false;
  let waiting = 0;

  // The wait gathers a group when the pipeline is idle. Requests that queued while a group was
  // being written have waited already: they go at once. With no wait, the group is gathered on the
  // event loop's next turn (setImmediate: setTimeout(0) waits at least a millisecond, on every
  // group; docs/benchmarks.md, "Ingest", thirteenth session).
  const schedule = (waitMs = deps.flushMs) => {
    if (cancelFlush || flushing || queue.length === 0) return;
    const start = () => {
      cancelFlush = null;
      flushing = flush().finally(() => {
        flushing = null;
        schedule(0);
      });
    };
    if (waitMs > 0) {
      const timeout = setTimeout(start, waitMs);
      cancelFlush = () => clearTimeout(timeout);
    } else {
      const immediate = setImmediate(start);
      cancelFlush = () => clearImmediate(immediate);
    }
  };

  function answer(group: Pending[], events: HubEvent[], results: EventOutcome[]): void {
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

  /** Starts writing a group; resolves once the next group may start (the rest goes on behind). */
  async function begin(workspaceId: string, group: Pending[], attempt = 1): Promise<void> {
    const events = group.flatMap((p) => p.events);
    const messageIds = new Set(events.map((e) => e.messageId));
    // Keys of identifiers only when a group in flight created some (usually none has).
    let keys: string[] | null = null;
    const mustSee = inFlight.filter((f) => {
      if (f.workspaceId !== workspaceId) return false;
      for (const id of messageIds) if (f.messageIds.has(id)) return true;
      if (f.created.size === 0) return false;
      keys ??= events.flatMap((e) => e.identifiers.map(keyOf));
      return keys.some((k) => f.created.has(k));
    });
    await Promise.all(mustSee.map((f) => f.done));
    while (inFlight.length >= MAX_IN_FLIGHT) await Promise.race(inFlight.map((f) => f.done));
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const flight: InFlight = {
      workspaceId,
      messageIds,
      created: new Set(),
      release,
      done: Promise.resolve(),
    };
    flight.done = write(flight, group, events, attempt);
    inFlight.push(flight);
    await released;
  }

  async function write(
    flight: InFlight,
    group: Pending[],
    events: HubEvent[],
    attempt: number,
  ): Promise<void> {
    const { workspaceId } = flight;
    const started = performance.now();
    const onReleased = (created: string[]) => {
      for (const key of created) flight.created.add(key);
      flight.release();
    };
    try {
      const results = await deps.db.inWorkspace(
        workspaceId,
        (tx) =>
          writeBatch(tx, workspaceId, events, { onReleased, knownIdentifiers, assumeNew: attempt === 1 }),
        // Its opening goes with its first round trip: the repeat check's (message ids inline), or,
        // for customers this process knows, the one that appends the events and commits.
        { exclusive: true, releasable: true, openWithFirstQuery: true },
      );
      observeFlush((performance.now() - started) / 1000);
      answer(group, events, results);
    } catch (error) {
      inFlight = inFlight.filter((f) => f !== flight);
      flight.release();
      const code = (error as { code?: unknown }).code;
      if (typeof code === 'string' && RETRYABLE.has(code) && attempt < MAX_ATTEMPTS) {
        countRetries(1, { code });
        await begin(workspaceId, group, attempt + 1);
      } else if (group.length === 1) {
        deps.logger.error({ err: error, workspaceId }, 'ingest batch failed');
        group[0]!.reject(error);
      } else {
        // One bad request must not fail the others it was grouped with: retry each alone.
        for (const p of group) await begin(workspaceId, [p]);
      }
    } finally {
      inFlight = inFlight.filter((f) => f !== flight);
      flight.release();
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
    for (const [workspaceId, group] of byWorkspace) await begin(workspaceId, group);
  }

  return {
    ingest({ workspaceId, events }) {
      if (closed) return Promise.reject(new Error('The ingest pipeline is closed'));
      if (events.length === 0) return Promise.resolve({ accepted: 0, duplicates: 0, results: [] });
      waiting += events.length;
      const answered = () => void (waiting -= events.length);
      const outcome = new Promise<BatchOutcome>((resolve, reject) => {
        queue.push({ workspaceId, events, resolve, reject });
        schedule();
      });
      outcome.then(answered, answered);
      return outcome;
    },
    waitingEvents: () => waiting,
    async close() {
      closed = true;
      while (queue.length > 0 || flushing || cancelFlush || inFlight.length > 0) {
        if (cancelFlush) {
          cancelFlush();
          cancelFlush = null;
          flushing = flush().finally(() => (flushing = null));
        }
        await flushing;
        await Promise.all(inFlight.map((f) => f.done));
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
