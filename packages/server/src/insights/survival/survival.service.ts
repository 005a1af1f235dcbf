// Customer lifetimes from the workspace's orders: a customer's lifetime runs from their first to
// their last purchase. They have left when `churnAfterDays` have passed since that last purchase by
// the latest event of the workspace (the departure is then known, and dated at the last purchase);
// otherwise they may still buy again, and the lifetime is right-censored at the last purchase.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import { latestEventAt } from '../churn/churn-queries.ts';
import {
  hazardByInterval,
  kaplanMeier,
  medianSurvival,
  restrictedMean,
  type Lifetime,
} from './kaplan-meier.ts';

const DAY_SECONDS = 86_400;
/** Tenure months of 30 days: whole days, so a month means the same in every calendar. */
const MONTH_DAYS = 30;

/**
 * A customer's lifetime in whole days (daily resolution keeps the curve's size bounded by the
 * history's days). Times are epoch seconds. Dating the departure at the last purchase, not at the
 * moment it becomes known, keeps `churnAfterDays` out of the lifetime: the curve then shows when
 * customers stop buying, and a one-time buyer's lifetime is 0.
 */
export function customerLifetime(input: {
  firstPurchase: number;
  lastPurchase: number;
  now: number;
  churnAfterDays: number;
}): Lifetime {
  return {
    time: Math.max(0, Math.round((input.lastPurchase - input.firstPurchase) / DAY_SECONDS)),
    event: input.lastPurchase + input.churnAfterDays * DAY_SECONDS <= input.now,
  };
}

export type SurvivalSummary = {
  customers: number;
  churned: number;
  curve: { tenureDays: number; survival: number; atRisk: number; events: number }[];
  medianLifetimeDays: number | null;
  restrictedMeanDays: number;
  restrictedToDays: number;
  hazardByMonth: { month: number; hazard: number; atRisk: number; events: number }[];
};

export async function analyzeSurvival(
  db: Database,
  input: { workspaceId: string; churnAfterDays: number },
): Promise<Result<SurvivalSummary, AppError>> {
  return db.inWorkspace(input.workspaceId, async (tx) => {
    const latest = await latestEventAt(tx, input.workspaceId);
    if (!latest)
      return err(appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', { message: 'The workspace has no events yet' }));
    // Epoch seconds as float8: numeric would come back as a string from node-postgres.
    const rows = await tx.query<{ first_purchase: number; last_purchase: number }>(
      `SELECT extract(epoch FROM min(ts))::float8 AS first_purchase, extract(epoch FROM max(ts))::float8 AS last_purchase
       FROM events WHERE workspace_id = $1 AND type = 'track' AND event = 'Order Completed' AND ts <= $2
       GROUP BY customer_id`,
      [input.workspaceId, latest],
    );
    const now = latest.getTime() / 1000;
    const lifetimes = rows.map((r) =>
      customerLifetime({
        firstPurchase: r.first_purchase,
        lastPurchase: r.last_purchase,
        now,
        churnAfterDays: input.churnAfterDays,
      }),
    );
    const churned = lifetimes.filter((l) => l.event).length;
    if (lifetimes.length === 0)
      return err(appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', { message: 'No customer has bought yet' }));
    if (churned === 0) {
      return err(
        appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
          field: 'churnAfterDays',
          message: `No customer has gone ${input.churnAfterDays} days without a purchase yet: nothing to estimate`,
        }),
      );
    }
    const curve = kaplanMeier(lifetimes);
    // A loop, not Math.max(...spread): a spread of a large base would overflow the call stack.
    const tau = lifetimes.reduce((max, l) => Math.max(max, l.time), 0);
    return ok({
      customers: lifetimes.length,
      churned,
      curve: curve.map((p) => ({
        tenureDays: p.time,
        survival: p.survival,
        atRisk: p.atRisk,
        events: p.events,
      })),
      medianLifetimeDays: medianSurvival(curve),
      restrictedMeanDays: restrictedMean(curve, tau),
      restrictedToDays: tau,
      hazardByMonth: hazardByInterval(lifetimes, MONTH_DAYS),
    });
  });
}
