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
import type { EventType, SegmentCall } from './segment.schema.ts';

export type HubEvent = {
  id: string;
  messageId: string;
  type: EventType;
  event: string | null;
  channel: string;
  ts: Date;
  receivedAt: Date;
  sentAt: Date | null;
  userId: string | null;
  anonymousId: string | null;
  /**
   * The JSON columns (properties, context, integrations), serialised while the request is parsed,
   * outside the ingest transaction, which is the part of the pipeline that runs one at a time. Only
   * the texts are kept: an event may cross from a parsing thread (body-readers.ts), and objects
   * cost more to copy than their texts.
   */
  json: { properties: string; context: string; integrations: string | null };
  identifiers: Identifier[];
  /** Traits this event sets on the profile (identify traits and context.traits). */
  traits: Record<string, unknown>;
  group: { groupId: string; traits: Record<string, unknown>; roles: string[] } | null;
  sourceId: string | null;
  traitPriority: number;
  sourceName: string | null;
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
  return {
    id: uuidv7(receivedAt.getTime()),
    messageId: call.messageId ?? uuidv7(),
    type: call.type,
    event:
      call.type === 'track'
        ? call.event
        : call.type === 'page' || call.type === 'screen'
          ? (call.name ?? null)
          : null,
    channel: channel.toLowerCase().slice(0, 40),
    ts: correctTimestamp(call, receivedAt),
    receivedAt,
    sentAt: toDate(call.sentAt),
    userId: call.userId ?? null,
    anonymousId: call.anonymousId ?? null,
    json: {
      properties: jsonText(texts, properties),
      context: jsonText(texts, context),
      integrations: call.integrations ? jsonText(texts, call.integrations) : null,
    },
    identifiers: identifiersOf(call, traits, context),
    traits: call.type === 'identify' || Object.keys(traits).length > 0 ? traits : {},
    group:
      call.type === 'group'
        ? {
            groupId: call.groupId,
            traits: call.traits ?? {},
            roles: stringList(asRecord(context.membership).roles),
          }
        : null,
    sourceId: source.sourceId,
    traitPriority: source.traitPriority,
    sourceName: source.sourceName,
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

function toDate(value: unknown): Date | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
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
