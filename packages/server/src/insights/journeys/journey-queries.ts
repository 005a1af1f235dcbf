// The journeys' reads: window functions per customer over the events table, written once for
// PGlite (PostgreSQL 18 in WASM) and PostgreSQL 15. Touches are what a customer did or was sent — track,
// page and screen events; identify and group calls update profiles and are not touches. Times
// are moved by seconds, never by calendar days: `interval '30 days'` on a timestamptz depends on
// the session's time zone (daylight saving), seconds do not. Each customer's events are read
// through LATERAL with OFFSET 0 (which keeps the planner from flattening it): the set of customers
// comes first and the timeline index is probed for each. Without statistics (PGlite has no
// autovacuum) the planner otherwise may loop the other way round and rescan the customer set for
// every event — checked with EXPLAIN ANALYZE: 290 ms instead of 12 ms on 1,300 events.
import type { Tx } from '../../db/database.ts';
import type { ChannelPath } from './markov-attribution.ts';
import type { FunnelEvent } from './ordered-funnel.ts';
import { PURCHASE_EVENT, type LifecycleStage } from './journeys.schema.ts';

const TOUCH_TYPES = "('track', 'page', 'screen')";
const DAY_SECONDS = 86_400;
/** Lifecycle at the touch: new while first seen under 30 days ago; active after a purchase within 90. */
export const NEW_CUSTOMER_DAYS = 30;
export const ACTIVE_PURCHASE_DAYS = 90;
/** Events the company sends or the system records: never a customer's response. */
export const OUTBOUND_EVENTS = [
  'Message Sent',
  'Email Sent',
  'Email Delivered',
  'Email Bounced',
  'Push Notification Sent',
];

export type PathGoal = { event: string; channel?: string | undefined } | { inactiveDays: number };

/**
 * Each customer's journey in the period, grouped into distinct paths. A converting journey ends
 * at the customer's first goal event in the period (its channel is the last step); a journey that
 * does not convert ends at the customer's last touch in the period. With a churn goal the journey
 * ends at the last touch before `to`, and converts when nothing followed for `inactiveDays`.
 * The path is the channels of the touches in the `lookbackDays` before the end, consecutive
 * repeats collapsed, cut to the last `maxSteps`.
 */
export async function readChannelPaths(
  tx: Tx,
  input: {
    workspaceId: string;
    goal: PathGoal;
    from: Date;
    to: Date;
    lookbackDays: number;
    maxSteps: number;
  },
): Promise<ChannelPath[]> {
  const { goal } = input;
  const journeys =
    'event' in goal
      ? // One pass rather than a join of two aggregates, which the planner (taking each for
        // one row) may run as a loop over the other.
        `journeys AS (
           SELECT customer_id,
             coalesce(min(ts) FILTER (WHERE type = 'track' AND event = $6
               AND ($7::text IS NULL OR channel = $7)), max(ts)) AS end_ts,
             bool_or(type = 'track' AND event = $6 AND ($7::text IS NULL OR channel = $7)) AS converted
           FROM events
           WHERE workspace_id = $1 AND type IN ${TOUCH_TYPES} AND ts >= $2 AND ts < $3
           GROUP BY customer_id
         )`
      : `journeys AS (
           SELECT customer_id, max(ts) AS end_ts,
             max(ts) <= $3::timestamptz - $6::float8 * interval '1 second' AS converted
           FROM events
           WHERE workspace_id = $1 AND type IN ${TOUCH_TYPES}
             AND ts >= $2::timestamptz - $6::float8 * interval '1 second' AND ts < $3
           GROUP BY customer_id
         )`;
  const goalParams = 'event' in goal ? [goal.event, goal.channel ?? null] : [goal.inactiveDays * DAY_SECONDS];
  const rows = await tx.query<{ channels: string[]; converted: boolean; customers: number }>(
    `WITH ${journeys},
     touches AS (
       SELECT j.customer_id, j.converted, e.channel, e.ts, e.id,
         lag(e.channel) OVER (PARTITION BY j.customer_id ORDER BY e.ts, e.id) AS previous
       FROM journeys j
       CROSS JOIN LATERAL (
         SELECT channel, ts, id FROM events
         WHERE workspace_id = $1 AND customer_id = j.customer_id AND type IN ${TOUCH_TYPES}
           AND ts > j.end_ts - $4::float8 * interval '1 second' AND ts <= j.end_ts
         OFFSET 0
       ) e
     ),
     paths AS (
       SELECT customer_id, converted, array_agg(channel ORDER BY ts, id) AS channels
       FROM touches WHERE previous IS DISTINCT FROM channel
       GROUP BY customer_id, converted
     )
     SELECT channels[greatest(1, cardinality(channels) - $5::int + 1):] AS channels, converted,
       count(*)::int AS customers
     FROM paths GROUP BY 1, 2`,
    [
      input.workspaceId,
      input.from,
      input.to,
      input.lookbackDays * DAY_SECONDS,
      input.maxSteps,
      ...goalParams,
    ],
  );
  return rows;
}

/**
 * The step events of every customer who did step 1 in the period, in timeline order: only events
 * named by a step, from `from` to `windowSeconds` after `to` (the last step-1 event's window).
 */
export async function readFunnelEvents(
  tx: Tx,
  input: {
    workspaceId: string;
    first: { event: string; channel?: string | undefined };
    events: string[];
    from: Date;
    to: Date;
    windowSeconds: number;
  },
): Promise<Map<string, FunnelEvent[]>> {
  const rows = await tx.query<{ customer_id: string; ts: Date; event: string; channel: string }>(
    `WITH entrants AS (
       SELECT DISTINCT customer_id FROM events
       WHERE workspace_id = $1 AND type IN ${TOUCH_TYPES} AND event = $4
         AND ($5::text IS NULL OR channel = $5) AND ts >= $2 AND ts < $3
     )
     SELECT n.customer_id, e.ts, e.event, e.channel
     FROM entrants n
     CROSS JOIN LATERAL (
       SELECT ts, id, event, channel FROM events
       WHERE workspace_id = $1 AND customer_id = n.customer_id AND type IN ${TOUCH_TYPES}
         AND event = ANY($6::text[]) AND ts >= $2 AND ts <= $3::timestamptz + $7::float8 * interval '1 second'
       OFFSET 0
     ) e
     ORDER BY n.customer_id, e.ts, e.id`,
    [
      input.workspaceId,
      input.from,
      input.to,
      input.first.event,
      input.first.channel ?? null,
      input.events,
      input.windowSeconds,
    ],
  );
  const byCustomer = new Map<string, FunnelEvent[]>();
  for (const r of rows) {
    let list = byCustomer.get(r.customer_id);
    if (!list) byCustomer.set(r.customer_id, (list = []));
    list.push({ at: r.ts.getTime(), event: r.event, channel: r.channel });
  }
  return byCustomer;
}

export type TouchCell = {
  channel: string;
  customerId: string;
  stage: LifecycleStage;
  touches: number;
  responses: number;
  conversions: number;
};

/**
 * Outbound touches in the period, counted per channel, customer and lifecycle stage at the touch,
 * with how many drew a response (any inbound touch within `responseSeconds`) and a conversion
 * (the goal within `conversionSeconds`). One pass per customer: the past frame gives first seen
 * and the last purchase, the future frame (the same rows backwards) the next response and goal.
 */
export async function readTouchCells(
  tx: Tx,
  input: {
    workspaceId: string;
    touchEvent: string;
    goal: { event: string; channel?: string | undefined };
    from: Date;
    to: Date;
    responseSeconds: number;
    conversionSeconds: number;
  },
): Promise<TouchCell[]> {
  const rows = await tx.query<{
    channel: string;
    customer_id: string;
    stage: LifecycleStage;
    touches: number;
    responses: number;
    conversions: number;
  }>(
    `WITH touched AS (
       SELECT DISTINCT customer_id FROM events
       WHERE workspace_id = $1 AND type = 'track' AND event = $4 AND ts >= $2 AND ts < $3
     ),
     timeline AS (
       SELECT t.customer_id, e.channel, e.ts,
         (e.type = 'track' AND e.event = $4 AND e.ts >= $2 AND e.ts < $3) AS is_touch,
         min(e.ts) OVER past AS first_seen,
         max(e.ts) FILTER (WHERE e.type = 'track' AND e.event = $10) OVER past AS last_purchase,
         min(e.ts) FILTER (WHERE e.type IN ${TOUCH_TYPES}
           AND NOT (e.type = 'track' AND e.event = ANY($9::text[]))) OVER future AS next_response,
         min(e.ts) FILTER (WHERE e.type = 'track' AND e.event = $7
           AND ($8::text IS NULL OR e.channel = $8)) OVER future AS next_goal
       FROM touched t
       CROSS JOIN LATERAL (
         SELECT type, event, channel, ts, id FROM events
         WHERE workspace_id = $1 AND customer_id = t.customer_id
           AND ts <= $3::timestamptz + greatest($5::float8, $6::float8) * interval '1 second'
         OFFSET 0
       ) e
       WINDOW past AS (PARTITION BY t.customer_id ORDER BY e.ts, e.id ROWS UNBOUNDED PRECEDING),
         future AS (PARTITION BY t.customer_id ORDER BY e.ts DESC, e.id DESC ROWS UNBOUNDED PRECEDING)
     )
     SELECT channel, customer_id,
       CASE WHEN first_seen > ts - $11::float8 * interval '1 second' THEN 'new'
            WHEN last_purchase >= ts - $12::float8 * interval '1 second' THEN 'active'
            WHEN last_purchase IS NOT NULL THEN 'lapsed'
            ELSE 'prospect' END AS stage,
       count(*)::int AS touches,
       count(*) FILTER (WHERE next_response <= ts + $5::float8 * interval '1 second')::int AS responses,
       count(*) FILTER (WHERE next_goal <= ts + $6::float8 * interval '1 second')::int AS conversions
     FROM timeline WHERE is_touch
     GROUP BY 1, 2, 3`,
    [
      input.workspaceId,
      input.from,
      input.to,
      input.touchEvent,
      input.responseSeconds,
      input.conversionSeconds,
      input.goal.event,
      input.goal.channel ?? null,
      [...new Set([...OUTBOUND_EVENTS, input.touchEvent])],
      PURCHASE_EVENT,
      NEW_CUSTOMER_DAYS * DAY_SECONDS,
      ACTIVE_PURCHASE_DAYS * DAY_SECONDS,
    ],
  );
  return rows.map((r) => ({
    channel: r.channel,
    customerId: r.customer_id,
    stage: r.stage,
    touches: r.touches,
    responses: r.responses,
    conversions: r.conversions,
  }));
}
