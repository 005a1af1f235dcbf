// The per-customer aggregates the churn model learns from, read in one scan of the workspace's
// events: every buyer's history at the cutoff (features), whether they bought in the window after
// it (label), and their history at the latest event (the features that are scored).
import type { Tx } from '../../db/database.ts';
import type { CustomerActivity } from './churn-model.ts';

const ORDER_EVENT = 'Order Completed';
/** What the service desk writes when a customer writes in (inbox/receive.ts). */
const SERVICE_CONTACT_EVENTS = ['Message Received'];
const DAY_SECONDS = 86_400;

/** An order's value in SQL: `revenue`, else `total`, when a JSON number (the CLV fit's rule, minus products). */
const ORDER_VALUE_SQL = `CASE WHEN jsonb_typeof(properties->'revenue') = 'number' THEN (properties->>'revenue')::float8
  WHEN jsonb_typeof(properties->'total') = 'number' THEN (properties->>'total')::float8 ELSE 0 END`;
const IS_ORDER = `type = 'track' AND event = '${ORDER_EVENT}'`;

/** The latest event of the workspace (not after now): "now" for scoring, so a replayed history scores as of its end. */
export async function latestEventAt(tx: Tx, workspaceId: string): Promise<Date | null> {
  const [row] = await tx.query<{ latest: Date | null }>(
    'SELECT least(max(ts), now()) AS latest FROM events WHERE workspace_id = $1',
    [workspaceId],
  );
  return row?.latest ?? null;
}

export type ChurnHistory = {
  customerId: string;
  /** The history up to the cutoff; null for a customer whose first order came after it. */
  atCutoff: CustomerActivity | null;
  /** An order in (cutoff, cutoff + window]: the customer stayed. */
  boughtInWindow: boolean;
  /** The history up to the latest event. */
  atLatest: CustomerActivity;
};

type SnapshotRow = {
  customer_id: string;
  snapshot: 'cutoff' | 'latest';
  first_seen: Date;
  last_order: Date;
  orders: number;
  revenue: number;
  service_contacts: number;
  csat: number | null;
  touches30: number;
  touches90: number;
  orders_in_window: number;
};

/**
 * Every customer with an order up to `latest`. The events are read once; each joins the
 * snapshots it belongs to (up to the cutoff, up to the latest event), so one GROUP BY gives both
 * histories and the label in one round trip. Measured about as fast as three queries (one per
 * snapshot, one for the label): the aggregation, not the scan, is the cost.
 */
export async function readChurnHistories(
  tx: Tx,
  input: { workspaceId: string; cutoff: Date; windowDays: number; latest: Date },
): Promise<ChurnHistory[]> {
  const rows = await tx.query<SnapshotRow>(
    // The inner query turns each event into a few scalars once (OFFSET 0 keeps the planner from
    // folding it into the aggregate): the JSON is read once per event, not once per snapshot, and
    // the sort by customer carries a few scalars instead of every event's properties.
    `SELECT e.customer_id, s.snapshot, min(e.ts) AS first_seen,
       max(e.ts) FILTER (WHERE e.is_order) AS last_order,
       count(*) FILTER (WHERE e.is_order)::int AS orders,
       coalesce(sum(e.order_value), 0)::float8 AS revenue,
       count(*) FILTER (WHERE e.is_contact)::int AS service_contacts,
       avg(e.csat)::float8 AS csat,
       count(*) FILTER (WHERE e.is_touch AND e.ts > s.as_of - make_interval(secs => $5))::int AS touches30,
       count(*) FILTER (WHERE e.is_touch AND e.ts > s.as_of - make_interval(secs => $6))::int AS touches90,
       count(*) FILTER (WHERE e.is_order AND e.ts > $2 AND e.ts <= $2::timestamptz + make_interval(secs => $7))::int AS orders_in_window
     FROM (SELECT customer_id, ts, ${IS_ORDER} AS is_order,
             CASE WHEN ${IS_ORDER} THEN ${ORDER_VALUE_SQL} END AS order_value,
             type = 'track' AND event = ANY($4::text[]) AS is_contact,
             CASE WHEN type = 'track' AND event = 'Survey Answered' AND properties->>'kind' = 'csat'
               AND jsonb_typeof(properties->'score') = 'number' THEN (properties->>'score')::float8 END AS csat,
             type IN ('page', 'screen', 'track') AS is_touch
           FROM events WHERE workspace_id = $1 AND ts <= $3 OFFSET 0) e
     JOIN (VALUES ('cutoff', $2::timestamptz), ('latest', $3::timestamptz)) AS s(snapshot, as_of) ON e.ts <= s.as_of
     GROUP BY e.customer_id, s.snapshot
     HAVING count(*) FILTER (WHERE e.is_order) > 0`,
    [
      input.workspaceId,
      input.cutoff,
      input.latest,
      SERVICE_CONTACT_EVENTS,
      30 * DAY_SECONDS,
      90 * DAY_SECONDS,
      input.windowDays * DAY_SECONDS,
    ],
  );
  const byCustomer = new Map<string, { cutoff?: SnapshotRow; latest?: SnapshotRow }>();
  for (const row of rows) {
    const entry = byCustomer.get(row.customer_id) ?? {};
    entry[row.snapshot] = row;
    byCustomer.set(row.customer_id, entry);
  }
  const histories: ChurnHistory[] = [];
  for (const [customerId, { cutoff, latest }] of byCustomer) {
    // Every customer with an order by the cutoff has one by the latest event too.
    if (!latest) continue;
    histories.push({
      customerId,
      atCutoff: cutoff ? toActivity(cutoff) : null,
      // The window lies after the cutoff, so only the latest snapshot sees its orders.
      boughtInWindow: latest.orders_in_window > 0,
      atLatest: toActivity(latest),
    });
  }
  return histories;
}

function toActivity(row: SnapshotRow): CustomerActivity {
  return {
    customerId: row.customer_id,
    firstSeen: new Date(row.first_seen),
    lastOrder: new Date(row.last_order),
    orders: row.orders,
    revenue: row.revenue,
    serviceContacts: row.service_contacts,
    csat: row.csat,
    touches30: row.touches30,
    touches90: row.touches90,
  };
}
