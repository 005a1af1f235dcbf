// Acquisition cost per customer by channel and campaign, and offer ROI against holdouts.
// A customer's acquisition channel is their first event's `context.campaign.source` (Segment's
// UTM fields), else the event's channel; the campaign is `context.campaign.name`.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Database } from '../../db/database.ts';
import type { AcquisitionQuery, CostBody } from '../retention.schema.ts';
import { costPerCustomer, type AcquiredGroup, type CostRecord } from './cost-per-customer.ts';
import { offerRoi, type OfferRoi } from './offer-roi.ts';

export type RecordedCost = Omit<CostBody, 'campaign'> & { id: string; campaign: string | null };

/** Stores costs (one from the API, or every row of an imported CSV) in one transaction. */
export async function recordAcquisitionCosts(
  db: Database,
  input: { workspaceId: string; costs: readonly CostBody[] },
): Promise<RecordedCost[]> {
  const recorded = input.costs.map(({ channel, campaign, amount, currency, from, to }) => ({
    id: uuidv7(),
    channel,
    campaign: campaign ?? null,
    amount,
    currency,
    from,
    to,
  }));
  await db.inWorkspace(input.workspaceId, (tx) =>
    tx.appendRows(
      'acquisition_costs',
      ['workspace_id', 'id', 'channel', 'campaign', 'amount', 'currency', 'period_from', 'period_to'],
      recorded.map((c) => [
        input.workspaceId,
        c.id,
        c.channel,
        c.campaign,
        c.amount,
        c.currency,
        c.from,
        c.to,
      ]),
    ),
  );
  return recorded;
}

export async function analyzeAcquisition(db: Database, input: { workspaceId: string } & AcquisitionQuery) {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    // Each customer's first event (by time, then id), then those acquired in the period.
    const groups = await tx.query<AcquiredGroup>(
      `SELECT lower(coalesce(nullif(context->'campaign'->>'source', ''), channel)) AS channel,
              nullif(context->'campaign'->>'name', '') AS campaign, count(*)::int AS customers
       FROM (SELECT DISTINCT ON (customer_id) ts, channel, context FROM events
             WHERE workspace_id = $1 ORDER BY customer_id, ts, id) first_events
       WHERE ts >= $2 AND ts < $3
       GROUP BY 1, 2`,
      [input.workspaceId, input.from, input.to],
    );
    const costs = await tx.query<CostRecord>(
      `SELECT channel, campaign, amount, currency, period_from AS "from", period_to AS "to"
       FROM acquisition_costs WHERE workspace_id = $1 AND period_from < $3 AND period_to > $2`,
      [input.workspaceId, input.from, input.to],
    );
    return {
      customers: groups.reduce((n, g) => n + g.customers, 0),
      byChannel: costPerCustomer({ groups, costs, from: input.from, to: input.to }),
    };
  });
}

const ORDER_VALUE_SQL = `CASE WHEN jsonb_typeof(e.properties->'revenue') = 'number' THEN (e.properties->>'revenue')::float8
  WHEN jsonb_typeof(e.properties->'total') = 'number' THEN (e.properties->>'total')::float8 ELSE 0 END`;

/**
 * An offer's effect within `windowDays` of each customer's first `Offer Sent` for it. A customer
 * is in the holdout only when every send for them says `holdout: true` (one real send treats them).
 */
export async function analyzeOfferRoi(
  db: Database,
  input: { workspaceId: string; offerId: string; windowDays: number },
): Promise<Result<OfferRoi & { offerId: string; windowDays: number }, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const rows = await tx.query<{
      holdout: boolean;
      customers: number;
      conversions: number;
      revenue: number;
      cost: number;
    }>(
      `WITH sends AS (
         SELECT customer_id, min(ts) AS sent_at,
                bool_and(coalesce(properties->>'holdout' = 'true', false)) AS holdout,
                sum(CASE WHEN jsonb_typeof(properties->'cost') = 'number' THEN (properties->>'cost')::float8 ELSE 0 END) AS cost
         FROM events
         WHERE workspace_id = $1 AND type = 'track' AND event = 'Offer Sent' AND properties->>'offerId' = $2
         GROUP BY customer_id)
       SELECT s.holdout, count(*)::int AS customers,
              count(*) FILTER (WHERE o.orders > 0)::int AS conversions,
              coalesce(sum(o.revenue), 0)::float8 AS revenue, coalesce(sum(s.cost), 0)::float8 AS cost
       FROM sends s CROSS JOIN LATERAL (
         SELECT count(*) AS orders, sum(${ORDER_VALUE_SQL}) AS revenue FROM events e
         WHERE e.workspace_id = $1 AND e.customer_id = s.customer_id AND e.type = 'track' AND e.event = 'Order Completed'
           AND e.ts > s.sent_at AND e.ts <= s.sent_at + make_interval(secs => $3)
         OFFSET 0) o
       GROUP BY s.holdout`,
      [input.workspaceId, input.offerId, input.windowDays * 86_400],
    );
    if (rows.length === 0) return err(appError('PSK_OFFER_NOT_FOUND', { field: 'offerId' }));
    const group = (holdout: boolean) => {
      const row = rows.find((r) => r.holdout === holdout);
      return {
        customers: row?.customers ?? 0,
        conversions: row?.conversions ?? 0,
        revenue: row?.revenue ?? 0,
      };
    };
    const treated = group(false);
    const holdout = group(true);
    if (treated.customers === 0 || holdout.customers === 0) {
      return err(
        appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
          field: 'offerId',
          message: `The offer needs both treated and holdout customers: ${treated.customers} treated, ${holdout.customers} holdout`,
        }),
      );
    }
    const cost = rows.reduce((sum, r) => sum + r.cost, 0);
    return ok({
      offerId: input.offerId,
      windowDays: input.windowDays,
      ...offerRoi({ treated, holdout, cost }),
    });
  });
}
