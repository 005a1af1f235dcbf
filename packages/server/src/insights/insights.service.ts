// The insight models on the workspace's own data: purchases are `Order Completed` track events
// (Segment e-commerce spec: `revenue`, `products[]`).
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../core/errors.ts';
import { uuidv7 } from '../core/ids.ts';
import type { Database, Tx } from '../db/database.ts';
import { estimateCustomerLifetimeValues } from './clv/lifetime-value.ts';
import type { Purchase } from './clv/purchase-summary.ts';
import { mineAssociationRules } from './rules/association-rules.ts';
import type { ClvFitBody, CustomerScores, RulesBody } from './insights.schema.ts';

const ORDER_EVENT = 'Order Completed';

type OrderRow = { customer_id: string; ts: Date; properties: Record<string, unknown> };

export async function readOrders(tx: Tx, workspaceId: string): Promise<OrderRow[]> {
  return tx.query<OrderRow>(
    "SELECT customer_id, ts, properties FROM events WHERE workspace_id = $1 AND type = 'track' AND event = $2",
    [workspaceId, ORDER_EVENT],
  );
}

const num = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  return Number.isFinite(n) ? n : null;
};

function productsOf(properties: Record<string, unknown>): Record<string, unknown>[] {
  return Array.isArray(properties.products)
    ? properties.products.filter((p): p is Record<string, unknown> => !!p && typeof p === 'object')
    : [];
}

/** An order's value: `revenue`, else `total`, else the sum of its products' price × quantity. */
export function orderValue(properties: Record<string, unknown>): number {
  return (
    num(properties.revenue) ??
    num(properties.total) ??
    productsOf(properties).reduce((sum, p) => sum + (num(p.price) ?? 0) * (num(p.quantity) ?? 1), 0)
  );
}

/** The items of a basket: each product's `name`, else its `product_id` or `sku`. */
export function basketOf(properties: Record<string, unknown>): string[] {
  return productsOf(properties)
    .map((p) => p.name ?? p.product_id ?? p.sku)
    .filter((item): item is string | number => typeof item === 'string' || typeof item === 'number')
    .map(String);
}

export type ClvFitSummary = {
  bgnbd: { r: number; alpha: number; a: number; b: number; logLikelihood: number };
  gammaGamma: { p: number; q: number; gamma: number; logLikelihood: number };
  customers: number;
  repeatCustomers: number;
  totalClv: number;
  fittedAt: Date;
};

/** Fits BG/NBD and Gamma-Gamma on the workspace's orders and stores every customer's figures. */
export async function fitCustomerLifetimeValue(
  db: Database,
  input: { workspaceId: string } & ClvFitBody,
): Promise<Result<ClvFitSummary, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const purchases: Purchase[] = (await readOrders(tx, input.workspaceId)).map((o) => ({
      customerId: o.customer_id,
      at: o.ts,
      amount: orderValue(o.properties),
    }));
    const fitted = estimateCustomerLifetimeValues({
      purchases,
      calibrationEnd: input.calibrationEnd,
      horizonMonths: input.horizonMonths,
      monthlyDiscountRate: input.monthlyDiscountRate,
      timeUnit: input.timeUnit,
    });
    if (fitted.isErr()) {
      const e = fitted.error;
      const message =
        e.type === 'not-enough-data'
          ? `Not enough purchase history to fit ${e.model}: ${e.usableCustomers} customers, ${e.repeatCustomers} repeat buyers before calibrationEnd`
          : e.type === 'fit-did-not-converge'
            ? `The ${e.model} fit did not converge on this data`
            : 'The spend model gives an infinite mean on this data (q ≤ 1)';
      return err(appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', { field: 'calibrationEnd', message }));
    }
    const { transactions: t, spend: s, customers } = fitted.value;
    const fitId = uuidv7();
    const fittedAt = new Date();
    await tx.query(
      `INSERT INTO clv_fits (workspace_id, id, calibration_end, time_unit, horizon_months, monthly_discount_rate, bgnbd, gamma_gamma, customers)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        input.workspaceId,
        fitId,
        input.calibrationEnd,
        input.timeUnit,
        input.horizonMonths,
        input.monthlyDiscountRate,
        JSON.stringify(t),
        JSON.stringify(s),
        customers.length,
      ],
    );
    await tx.query('DELETE FROM customer_scores WHERE workspace_id = $1', [input.workspaceId]);
    await tx.appendRows(
      'customer_scores',
      [
        'workspace_id',
        'customer_id',
        'fit_id',
        'clv',
        'expected_purchases',
        'expected_average_spend',
        'probability_alive',
        'fitted_at',
      ],
      customers.map((c) => [
        input.workspaceId,
        c.customerId,
        fitId,
        c.clv,
        c.expectedPurchases,
        c.expectedAverageSpend,
        c.probabilityAlive,
        fittedAt,
      ]),
    );
    return ok({
      bgnbd: { r: t.r, alpha: t.alpha, a: t.a, b: t.b, logLikelihood: t.logLikelihood },
      gammaGamma: { p: s.p, q: s.q, gamma: s.gamma, logLikelihood: s.logLikelihood },
      customers: customers.length,
      repeatCustomers: s.customers,
      totalClv: customers.reduce((sum, c) => sum + c.clv, 0),
      fittedAt,
    });
  });
}

/** A customer's figures from the latest fit, or null before any fit (customers call this). */
export async function readCustomerScores(
  tx: Tx,
  input: { workspaceId: string; customerId: string },
): Promise<CustomerScores> {
  const [row] = await tx.query<{
    clv: number;
    expected_purchases: number;
    expected_average_spend: number;
    probability_alive: number;
    horizon_months: number;
    fitted_at: Date;
  }>(
    `SELECT s.clv, s.expected_purchases, s.expected_average_spend, s.probability_alive, f.horizon_months, s.fitted_at
     FROM customer_scores s JOIN clv_fits f ON f.workspace_id = s.workspace_id AND f.id = s.fit_id
     WHERE s.workspace_id = $1 AND s.customer_id = $2`,
    [input.workspaceId, input.customerId],
  );
  return row
    ? {
        clv: row.clv,
        expectedPurchases: row.expected_purchases,
        expectedAverageSpend: row.expected_average_spend,
        probabilityAlive: row.probability_alive,
        horizonMonths: row.horizon_months,
        fittedAt: row.fitted_at,
      }
    : null;
}

/** Association rules over every order's basket (arules semantics, FP-growth). */
export async function mineOrderRules(db: Database, input: { workspaceId: string } & RulesBody) {
  const orders = await db.inWorkspace(input.workspaceId, (tx) => readOrders(tx, input.workspaceId));
  const baskets = orders.map((o) => basketOf(o.properties)).filter((b) => b.length > 0);
  const mined = mineAssociationRules({
    baskets,
    minSupport: input.minSupport,
    minConfidence: input.minConfidence,
    minLen: input.minLen,
    ...(input.maxLen ? { maxLen: input.maxLen } : {}),
  });
  return {
    transactions: mined.transactions,
    total: mined.rules.length,
    rules: mined.rules.slice(0, input.limit),
  };
}
