// A validated Segment call → the hub's event: corrected timestamp, channel, and the identifiers
// it carries (userId, anonymousId, traits.email/phone, handles, context.externalIds).
import { assertUnreachable } from '../core/assert-unreachable.ts';
import {
  HANDLE_TYPES,
  keyOf,
  normalizeIdentifier,
  type Identifier,
  type IdentifierType,
} from '../core/identifiers.ts';
import { uuidv7 } from '../core/ids.ts';
import { jsonText, type JsonTexts } from './json-texts.ts';
import type { SegmentCall } from './segment.schema.ts';

/**
 * The events table's columns an event brings itself, in the order of its `columns`. The writer
 * adds the workspace and the customers identity resolution gives it.
 */
export const EVENT_OWN_COLUMNS = [
  'id',
  'message_id',
  'source_id',
  'type',
  'event',
  'channel',
  'ts',
  'received_at',
  'sent_at',
  'user_id',
  'anonymous_id',
  'properties',
  'context',
  'integrations',
] as const;

export type HubEvent = {
  messageId: string;
  channel: string;
  ts: Date;
  /**
   * Values of EVENT_OWN_COLUMNS, the JSON columns already serialised: that happens while the
   * request is parsed, outside the ingest transaction, which runs one group at a time. Events read
   * on a parsing thread bring them as COPY text instead (`CopyColumns.encode`, body-readers.ts).
   */
  columns: unknown[] | string;
  identifiers: Identifier[];
  /** Traits this event sets on the profile (identify traits and context.traits). */
  traits: Record<string, unknown>;
  group: { groupId: string; traits: Record<string, unknown>; roles: string[] } | null;
  /**
   * Where the event came from; its name and priority decide trait conflicts. The events of a
   * request share one source object (and those without traits one empty traits object): a
   * parsing thread sends an object its events share once, not per event.
   */
  source: EventSource;
};

export type EventSource = {
  sourceId: string | null;
  /** The source's name: per-trait priorities name sources, and trait history shows it. */
  sourceName: string | null;
  channel: string;
  traitPriority: number;
};

/**
 * Segment's clock-skew correction: the client's clock may be wrong, but the time between the
 * event and sending it is right, so timestamp = receivedAt − (sentAt − timestamp).
 */
export function correctTimestamp(
  call: { timestamp?: unknown; originalTimestamp?: unknown; sentAt?: unknown },
  receivedAt: Date,
): Date {
  const original = toDate(call.timestamp) ?? toDate(call.originalTimestamp);
  const sentAt = toDate(call.sentAt);
  if (!original) return receivedAt;
  if (!sentAt) return original;
  return new Date(receivedAt.getTime() - (sentAt.getTime() - original.getTime()));
}

const NO_TRAITS: Record<string, unknown> = Object.freeze({});

/** `texts`: JSON texts already made of the call's objects (while its request was parsed). */
export function normalizeEvent(
  call: SegmentCall,
  receivedAt: Date,
  source: EventSource,
  texts?: JsonTexts,
): HubEvent {
  const context = call.context ?? {};
  const properties = propertiesOf(call);
  const traits = { ...asRecord(context.traits), ...(call.type === 'identify' ? (call.traits ?? {}) : {}) };
  const channel =
    call.channel ??
    (typeof context.channel === 'string' && context.channel ? context.channel : source.channel);
  const messageId = call.messageId ?? uuidv7();
  const channelName = channel.toLowerCase().slice(0, 40);
  const ts = correctTimestamp(call, receivedAt);
  return {
    messageId,
    channel: channelName,
    ts,
    columns: [
      uuidv7(receivedAt.getTime()),
      messageId,
      source.sourceId,
      call.type,
      call.type === 'track'
        ? call.event
        : call.type === 'page' || call.type === 'screen'
          ? (call.name ?? null)
          : null,
      channelName,
      ts,
      receivedAt,
      toDate(call.sentAt),
      call.userId ?? null,
      call.anonymousId ?? null,
      jsonText(texts, properties),
      jsonText(texts, context),
      call.integrations ? jsonText(texts, call.integrations) : null,
    ],
    identifiers: identifiersOf(call, traits, context),
    traits: Object.keys(traits).length > 0 ? traits : NO_TRAITS,
    group:
      call.type === 'group'
        ? {
            groupId: call.groupId,
            traits: call.traits ?? {},
            roles: stringList(asRecord(context.membership).roles),
          }
        : null,
    source,
  };
}

function propertiesOf(call: SegmentCall): Record<string, unknown> {
  switch (call.type) {
    case 'identify':
      return call.traits ?? {};
    case 'track':
    case 'screen':
      return call.properties ?? {};
    case 'page':
      return { ...(call.properties ?? {}), ...(call.category ? { category: call.category } : {}) };
    case 'group':
      return { groupId: call.groupId, ...(call.traits ?? {}) };
    case 'alias':
      return { previousId: call.previousId };
    default:
      return assertUnreachable(call);
  }
}

function identifiersOf(
  call: SegmentCall,
  traits: Record<string, unknown>,
  context: Record<string, unknown>,
): Identifier[] {
  const found: Identifier[] = [];
  const add = (type: IdentifierType, raw: unknown) => {
    const value = normalizeIdentifier(type, raw);
    if (value) found.push({ type, value, key: keyOf({ type, value }) });
  };
  add('userId', call.userId);
  add('anonymousId', call.anonymousId);
  // An alias's previousId is the anonymous id (or old id) the user had before.
  if (call.type === 'alias') add('anonymousId', call.previousId);
  for (const email of [traits.email, ...list(traits.emails)]) add('email', email);
  for (const phone of [traits.phone, ...list(traits.phones)]) add('phone', phone);
  for (const handle of HANDLE_TYPES) add(handle, traits[handle]);
  for (const external of list(context.externalIds)) {
    const item = asRecord(external);
    const type =
      typeof item.type === 'string'
        ? item.type
            .toLowerCase()
            .replace(/[^a-z0-9_.-]/g, '_')
            .slice(0, 64)
        : '';
    if (type) add(`external:${type}`, item.id);
  }
  return found;
}

// The events of a batch mostly share their sentAt: its text is read once.
let lastText: unknown;
let lastTime = NaN;

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  if (value !== lastText) {
    lastTime = new Date(value).getTime();
    lastText = value;
  }
  return Number.isNaN(lastTime) ? null : new Date(lastTime);
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function stringList(value: unknown): string[] {
  return list(value)
    .filter((v): v is string => typeof v === 'string')
    .slice(0, 20);
}
