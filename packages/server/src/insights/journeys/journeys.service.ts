// Journey and channel analytics on the workspace's events: the channel paths before a goal with
// their attribution, ordered funnels, and how well each outbound channel works for which
// customers at which lifecycle stage. The SQL is in journey-queries.ts, the models beside it.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import { listCustomerSegments, type CustomerSegment } from '../../customers/customers.service.ts';
import type { Database } from '../../db/database.ts';
import { heuristicAttribution, topConvertingPaths } from './channel-paths.ts';
import { readChannelPaths, readFunnelEvents, readTouchCells, type TouchCell } from './journey-queries.ts';
import {
  resolvePeriod,
  type EffectivenessBody,
  type EffectivenessReply,
  type FunnelBody,
  type FunnelBreakdown,
  type FunnelReply,
  type PathsBody,
  type PathsReply,
} from './journeys.schema.ts';
import { markovAttribution, transitionMatrix } from './markov-attribution.ts';
import { bestFunnelAttempt, summarizeFunnel, type FunnelAttempt } from './ordered-funnel.ts';
import { wilsonInterval } from './wilson-interval.ts';

const DAY_SECONDS = 86_400;

/** Top paths to the goal, the transition matrix and four attributions side by side. */
export async function analyzeChannelPaths(
  db: Database,
  input: { workspaceId: string } & PathsBody,
): Promise<Result<PathsReply, AppError>> {
  const { from, to } = resolvePeriod(input);
  const paths = await db.inWorkspace(input.workspaceId, (tx) =>
    readChannelPaths(tx, {
      workspaceId: input.workspaceId,
      goal: input.goal,
      from,
      to,
      lookbackDays: input.lookbackDays,
      maxSteps: input.maxSteps,
    }),
  );
  const markov = markovAttribution(paths);
  if (markov.conversions === 0)
    return err(
      appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
        field: 'goal',
        message: `No customer reached the goal between ${from.toISOString()} and ${to.toISOString()} (field: goal)`,
      }),
    );
  const heuristics = heuristicAttribution(paths);
  return ok({
    customers: markov.conversions,
    journeys: paths.reduce((s, p) => s + p.customers, 0),
    paths: topConvertingPaths(paths, input.limit),
    transitions: transitionMatrix(paths),
    conversionProbability: markov.conversionProbability,
    attribution: markov.channels
      .map((m) => {
        const h = heuristics.get(m.channel) ?? { firstTouch: 0, lastTouch: 0, linear: 0 };
        return { channel: m.channel, ...h, markov: m.conversions, removalEffect: m.removalEffect };
      })
      .sort((a, b) => b.markov - a.markov || a.channel.localeCompare(b.channel)),
  });
}

const segmentKey = (segment: CustomerSegment | undefined, by: 'customerType' | 'tier'): string =>
  by === 'customerType' ? (segment?.customerType ?? 'b2c') : (segment?.tier ?? 'none');

/** Ordered funnel (Mixpanel/Amplitude semantics), optionally broken down. */
export async function analyzeFunnel(
  db: Database,
  input: { workspaceId: string } & FunnelBody,
): Promise<Result<FunnelReply, AppError>> {
  const { from, to } = resolvePeriod(input);
  const windowMs = input.windowDays * DAY_SECONDS * 1000;
  const { attempts, segments } = await db.inWorkspace(input.workspaceId, async (tx) => {
    const timelines = await readFunnelEvents(tx, {
      workspaceId: input.workspaceId,
      first: input.steps[0]!,
      events: [...new Set(input.steps.map((s) => s.event))],
      from,
      to,
      windowSeconds: windowMs / 1000,
    });
    const attempts = new Map<string, FunnelAttempt>();
    for (const [customerId, events] of timelines) {
      const attempt = bestFunnelAttempt({
        steps: input.steps,
        events,
        windowMs,
        entryFrom: from.getTime(),
        entryTo: to.getTime(),
      });
      if (attempt) attempts.set(customerId, attempt);
    }
    const needsSegments = input.breakdown === 'customerType' || input.breakdown === 'tier';
    const segments = needsSegments
      ? await listCustomerSegments(tx, { workspaceId: input.workspaceId, customerIds: [...attempts.keys()] })
      : new Map<string, CustomerSegment>();
    return { attempts, segments };
  });
  if (attempts.size === 0)
    return err(
      appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
        field: 'steps[0].event',
        message: `No customer did "${input.steps[0]!.event}" in the period (field: steps[0].event)`,
      }),
    );
  const reply: FunnelReply = { steps: summarizeFunnel(input.steps, [...attempts.values()]) };
  if (input.breakdown) reply.breakdown = breakDown(input.breakdown, input.steps, attempts, segments);
  return ok(reply);
}

function breakDown(
  by: FunnelBreakdown,
  steps: FunnelBody['steps'],
  attempts: Map<string, FunnelAttempt>,
  segments: Map<string, CustomerSegment>,
): NonNullable<FunnelReply['breakdown']> {
  const groups = new Map<string, FunnelAttempt[]>();
  for (const [customerId, attempt] of attempts) {
    const key = by === 'channel' ? attempt.entryChannel : segmentKey(segments.get(customerId), by);
    const group = groups.get(key) ?? [];
    group.push(attempt);
    groups.set(key, group);
  }
  return [...groups]
    .sort(([ka, a], [kb, b]) => b.length - a.length || ka.localeCompare(kb))
    .map(([key, group]) => ({ key, steps: summarizeFunnel(steps, group) }));
}

type Row = EffectivenessReply['rows'][number];

/** Response and conversion rates of outbound touches by channel × segment × lifecycle stage. */
export async function analyzeChannelEffectiveness(
  db: Database,
  input: { workspaceId: string } & EffectivenessBody,
): Promise<Result<EffectivenessReply, AppError>> {
  const { from, to } = resolvePeriod(input);
  const { cells, segments } = await db.inWorkspace(input.workspaceId, async (tx) => {
    const cells = await readTouchCells(tx, {
      workspaceId: input.workspaceId,
      touchEvent: input.touchEvent,
      goal: input.goal,
      from,
      to,
      responseSeconds: input.responseHours * 3600,
      conversionSeconds: input.conversionDays * DAY_SECONDS,
    });
    const customerIds = [...new Set(cells.map((c) => c.customerId))];
    return {
      cells,
      segments: await listCustomerSegments(tx, { workspaceId: input.workspaceId, customerIds }),
    };
  });
  if (cells.length === 0)
    return err(
      appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
        field: 'touchEvent',
        message: `No "${input.touchEvent}" touches in the period (field: touchEvent)`,
      }),
    );
  const rows = groupTouches(cells, segments, new Set(input.groupBy));
  return ok({ touches: rows.reduce((s, r) => s + r.touches, 0), rows });
}

function groupTouches(
  cells: readonly TouchCell[],
  segments: Map<string, CustomerSegment>,
  by: ReadonlySet<string>,
): Row[] {
  const groups = new Map<string, { row: Row; customers: Set<string> }>();
  for (const cell of cells) {
    const segment = segments.get(cell.customerId);
    const customerType = by.has('customerType') ? (segment?.customerType ?? 'b2c') : null;
    const tier: Row['tier'] = by.has('tier') ? (segment?.tier ?? 'none') : null;
    const keyParts = {
      channel: by.has('channel') ? cell.channel : null,
      customerType,
      tier,
      stage: by.has('stage') ? cell.stage : null,
    };
    const key = JSON.stringify(keyParts);
    let group = groups.get(key);
    if (!group) {
      const segmentLabel =
        customerType === null
          ? tier
          : tier === null || tier === 'none'
            ? customerType
            : `${customerType}/${tier}`;
      group = {
        row: {
          ...keyParts,
          segment: segmentLabel,
          touches: 0,
          customers: 0,
          responses: 0,
          responseRate: 0,
          responseCi: [0, 0],
          conversions: 0,
          conversionRate: 0,
          conversionCi: [0, 0],
        },
        customers: new Set(),
      };
      groups.set(key, group);
    }
    group.row.touches += cell.touches;
    group.row.responses += cell.responses;
    group.row.conversions += cell.conversions;
    group.customers.add(cell.customerId);
  }
  return [...groups.values()]
    .map(({ row, customers }) => ({
      ...row,
      customers: customers.size,
      responseRate: row.responses / row.touches,
      responseCi: wilsonInterval(row.responses, row.touches),
      conversionRate: row.conversions / row.touches,
      conversionCi: wilsonInterval(row.conversions, row.touches),
    }))
    .sort(
      (a, b) =>
        b.touches - a.touches ||
        JSON.stringify([a.channel, a.segment, a.stage]).localeCompare(
          JSON.stringify([b.channel, b.segment, b.stage]),
        ),
    );
}
