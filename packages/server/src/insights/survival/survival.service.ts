// Customer lifetimes from the workspace's events: start at the first purchase (or first event
// for a customer who never bought), churn `churnAfterDays` after the last purchase when that
// moment has passed by the latest event, right-censored at the latest event otherwise.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import { latestEventAt } from '../churn/churn.service.ts';
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

/** A customer's lifetime in whole days (daily resolution keeps the curve's size bounded by the history's days). */
export function customerLifetime(input: {
  start: number;
  lastActivity: number;
  now: number;
  churnAfterDays: number;
}): Lifetime {
  const churnAt = input.lastActivity + input.churnAfterDays * DAY_SECONDS;
  const event = churnAt <= input.now;
  const end = event ? churnAt : input.now;
  return { time: Math.max(0, Math.round((end - input.start) / DAY_SECONDS)), event };
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
    const rows = await tx.query<{ start: number; last_activity: number }>(
      `SELECT extract(epoch FROM coalesce(min(ts) FILTER (WHERE type = 'track' AND event = 'Order Completed'), min(ts)))::float8 AS start,
              extract(epoch FROM coalesce(max(ts) FILTER (WHERE type = 'track' AND event = 'Order Completed'), min(ts)))::float8 AS last_activity
       FROM events WHERE workspace_id = $1 AND ts <= $2 GROUP BY customer_id`,
      [input.workspaceId, latest],
    );
    const now = latest.getTime() / 1000;
    const lifetimes = rows.map((r) =>
      customerLifetime({
        start: r.start,
        lastActivity: r.last_activity,
        now,
        churnAfterDays: input.churnAfterDays,
      }),
    );
    const churned = lifetimes.filter((l) => l.event).length;
    if (churned === 0) {
      return err(
        appError('PSK_INSIGHTS_NOT_ENOUGH_DATA', {
          field: 'churnAfterDays',
          message: `No customer has gone ${input.churnAfterDays} days without a purchase yet: nothing to estimate`,
        }),
      );
    }
    const curve = kaplanMeier(lifetimes);
    const tau = Math.max(...lifetimes.map((l) => l.time));
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
