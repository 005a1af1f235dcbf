// Churn risk on the workspace's own events: per-customer aggregates in SQL (one GROUP BY over the
// workspace's events, churn-queries.ts), the model fitted in memory, every buyer scored on their
// history up to the latest event and stored for the profile.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import { uuidv7 } from '../../core/ids.ts';
import type { Database, Tx } from '../../db/database.ts';
import type { ChurnFitBody, ChurnScore } from '../retention.schema.ts';
import { latestEventAt, readChurnHistories } from './churn-queries.ts';
import { churnFeatures, trainChurnModel } from './churn-model.ts';
import { predictProbability } from './logistic-regression.ts';

const DAY_MS = 86_400_000;

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
    const histories = await readChurnHistories(tx, {
      workspaceId: input.workspaceId,
      cutoff,
      windowDays: input.churnWindowDays,
      latest,
    });
    const labelled = histories.flatMap((h) =>
      h.atCutoff
        ? [
            {
              customerId: h.customerId,
              features: churnFeatures(h.atCutoff, cutoff),
              churned: !h.boughtInWindow,
            },
          ]
        : [],
    );
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
        histories.length,
      ],
    );
    await tx.query('DELETE FROM churn_scores WHERE workspace_id = $1', [input.workspaceId]);
    await tx.appendRows(
      'churn_scores',
      ['workspace_id', 'customer_id', 'fit_id', 'churn_probability', 'fitted_at'],
      histories.map((h) => [
        input.workspaceId,
        h.customerId,
        fitId,
        predictProbability(fit, churnFeatures(h.atLatest, latest)),
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
      customers: histories.length,
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
