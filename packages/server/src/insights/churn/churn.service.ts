// Churn risk on the workspace's own events: per-customer aggregates in SQL (one GROUP BY over the
// workspace's events up to a moment), the model fitted in memory, every buyer scored on their
// history up to the latest event and stored for the profile.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Database, Tx } from '../../db/database.ts';
import type { ChurnFitBody, ChurnScore } from '../retention.schema.ts';
import { churnFeatures, trainChurnModel, type CustomerActivity } from './churn-model.ts';
import { predictProbability } from './logistic-regression.ts';

const ORDER_EVENT = 'Order Completed';
/** What the service desk writes when a customer writes in (inbox/receive.ts). */
const SERVICE_CONTACT_EVENTS = ['Message Received'];
const DAY_SECONDS = 86_400;

/** An order's value in SQL: `revenue`, else `total`, when a JSON number (the CLV fit's rule, minus products). */
const ORDER_VALUE_SQL = `CASE WHEN jsonb_typeof(properties->'revenue') = 'number' THEN (properties->>'revenue')::float8
  WHEN jsonb_typeof(properties->'total') = 'number' THEN (properties->>'total')::float8 ELSE 0 END`;

/** The latest event of the workspace (not after now): "now" for scoring, so a replayed history scores as of its end. */
export async function latestEventAt(tx: Tx, workspaceId: string): Promise<Date | null> {
  const [row] = await tx.query<{ latest: Date | null }>(
    'SELECT least(max(ts), now()) AS latest FROM events WHERE workspace_id = $1',
    [workspaceId],
  );
  return row?.latest ?? null;
}

/** Every customer with an order up to `asOf`, their history up to it aggregated in one scan. */
export async function readCustomerActivity(
  tx: Tx,
  input: { workspaceId: string; asOf: Date },
): Promise<CustomerActivity[]> {
  const isOrder = `type = 'track' AND event = '${ORDER_EVENT}'`;
  const rows = await tx.query<{
    customer_id: string;
    first_seen: Date;
    last_order: Date;
    orders: number;
    revenue: number;
    service_contacts: number;
    csat: number | null;
    touches30: number;
    touches90: number;
  }>(
    `SELECT customer_id, min(ts) AS first_seen,
       max(CASE WHEN ${isOrder} THEN ts END) AS last_order,
       count(*) FILTER (WHERE ${isOrder})::int AS orders,
       coalesce(sum(CASE WHEN ${isOrder} THEN ${ORDER_VALUE_SQL} END), 0)::float8 AS revenue,
       count(*) FILTER (WHERE type = 'track' AND event = ANY($3::text[]))::int AS service_contacts,
       avg(CASE WHEN type = 'track' AND event = 'Survey Answered' AND properties->>'kind' = 'csat'
                 AND jsonb_typeof(properties->'score') = 'number' THEN (properties->>'score')::float8 END)::float8 AS csat,
       count(*) FILTER (WHERE type IN ('page', 'screen', 'track') AND ts > $2::timestamptz - make_interval(secs => $4))::int AS touches30,
       count(*) FILTER (WHERE type IN ('page', 'screen', 'track') AND ts > $2::timestamptz - make_interval(secs => $5))::int AS touches90
     FROM events WHERE workspace_id = $1 AND ts <= $2
     GROUP BY customer_id
     HAVING count(*) FILTER (WHERE ${isOrder}) > 0`,
    [input.workspaceId, input.asOf, SERVICE_CONTACT_EVENTS, 30 * DAY_SECONDS, 90 * DAY_SECONDS],
  );
  return rows.map((r) => ({
    customerId: r.customer_id,
    firstSeen: new Date(r.first_seen),
    lastOrder: new Date(r.last_order),
    orders: r.orders,
    revenue: r.revenue,
    serviceContacts: r.service_contacts,
    csat: r.csat,
    touches30: r.touches30,
    touches90: r.touches90,
  }));
}

/** Customers who bought in (cutoff, cutoff + window]. */
async function readBuyersAfter(
  tx: Tx,
  input: { workspaceId: string; cutoff: Date; windowDays: number },
): Promise<Set<string>> {
  const rows = await tx.query<{ customer_id: string }>(
    `SELECT DISTINCT customer_id FROM events
     WHERE workspace_id = $1 AND type = 'track' AND event = $2
       AND ts > $3 AND ts <= $3::timestamptz + make_interval(secs => $4)`,
    [input.workspaceId, ORDER_EVENT, input.cutoff, input.windowDays * DAY_SECONDS],
  );
  return new Set(rows.map((r) => r.customer_id));
}

const DAY_MS = DAY_SECONDS * 1000;

export type ChurnFitSummary = {
  auc: number;
  baselineAuc: number;
  trainCustomers: number;
  holdoutCustomers: number;
  churnRate: number;
  coefficients: { feature: string; weight: number }[];
  customers: number;
  cutoff: Date;
  scoredAt: Date;
  fittedAt: Date;
};

/** Fits the churn model at a cutoff, reports its hold-out AUC and stores every buyer's churn probability. */
export async function fitChurnModel(
  db: Database,
  input: { workspaceId: string } & ChurnFitBody,
): Promise<Result<ChurnFitSummary, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const latest = await latestEventAt(tx, input.workspaceId);
    if (!latest)
      return err(appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', { message: 'The workspace has no events yet' }));
    const cutoff = input.cutoff ?? new Date(latest.getTime() - input.churnWindowDays * DAY_MS);
    if (cutoff >= latest) {
      return err(
        appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
          field: 'cutoff',
          message: 'No events after the cutoff: the churn window cannot be observed yet',
        }),
      );
    }
    const history = await readCustomerActivity(tx, { workspaceId: input.workspaceId, asOf: cutoff });
    const buyers = await readBuyersAfter(tx, {
      workspaceId: input.workspaceId,
      cutoff,
      windowDays: input.churnWindowDays,
    });
    const labelled = history.map((a) => ({
      customerId: a.customerId,
      features: churnFeatures(a, cutoff),
      churned: !buyers.has(a.customerId),
    }));
    const model = trainChurnModel({ customers: labelled });
    if (model.isErr()) {
      const { customers, churned } = model.error;
      return err(
        appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
          field: 'cutoff',
          message: `Too little history to learn churn: ${customers} buyers before the cutoff, ${churned} of them churned (both classes needed in the training and hold-out sets, at least 20 buyers)`,
        }),
      );
    }
    const { fit } = model.value;
    const current = await readCustomerActivity(tx, { workspaceId: input.workspaceId, asOf: latest });
    const fitId = uuidv7();
    const fittedAt = new Date();
    await tx.query(
      `INSERT INTO churn_fits (workspace_id, id, cutoff, churn_window_days, scored_at, auc, baseline_auc, coefficients, customers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        input.workspaceId,
        fitId,
        cutoff,
        input.churnWindowDays,
        latest,
        model.value.auc,
        model.value.baselineAuc,
        JSON.stringify({ ...fit, features: model.value.coefficients.map((c) => c.feature) }),
        current.length,
      ],
    );
    await tx.query('DELETE FROM churn_scores WHERE workspace_id = $1', [input.workspaceId]);
    await tx.appendRows(
      'churn_scores',
      ['workspace_id', 'customer_id', 'fit_id', 'churn_probability', 'fitted_at'],
      current.map((a) => [
        input.workspaceId,
        a.customerId,
        fitId,
        predictProbability(fit, churnFeatures(a, latest)),
        fittedAt,
      ]),
    );
    return ok({
      auc: model.value.auc,
      baselineAuc: model.value.baselineAuc,
      trainCustomers: model.value.trainCustomers,
      holdoutCustomers: model.value.holdoutCustomers,
      churnRate: labelled.filter((c) => c.churned).length / labelled.length,
      coefficients: model.value.coefficients,
      customers: current.length,
      cutoff,
      scoredAt: latest,
      fittedAt,
    });
  });
}

/** A customer's churn probability from the latest fit, or null (the customer profile calls this). */
export async function readChurnScore(
  tx: Tx,
  input: { workspaceId: string; customerId: string },
): Promise<ChurnScore> {
  const [row] = await tx.query<{
    churn_probability: number;
    churn_window_days: number;
    scored_at: Date;
    fitted_at: Date;
  }>(
    `SELECT s.churn_probability, f.churn_window_days, f.scored_at, s.fitted_at
     FROM churn_scores s JOIN churn_fits f ON f.workspace_id = s.workspace_id AND f.id = s.fit_id
     WHERE s.workspace_id = $1 AND s.customer_id = $2`,
    [input.workspaceId, input.customerId],
  );
  return row
    ? {
        churnProbability: row.churn_probability,
        churnWindowDays: row.churn_window_days,
        scoredAt: row.scored_at,
        fittedAt: row.fitted_at,
      }
    : null;
}
