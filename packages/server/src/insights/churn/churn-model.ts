// Churn risk from a customer's activity as of a cutoff: the features, a seeded split by customer,
// the logistic fit, and its hold-out AUC beside a recency-only baseline. Pure: the service reads
// the per-customer aggregates in SQL and hands them here.
import { err, ok, type Result } from 'neverthrow';
import { areaUnderRoc } from './auc.ts';
import {
  fitDenseLogisticRegression,
  predictProbability,
  type DenseLogisticFit,
} from './logistic-regression.ts';

/** One customer's history up to a moment (`asOf`), aggregated in SQL. */
export type CustomerActivity = {
  customerId: string;
  firstSeen: Date;
  lastOrder: Date;
  orders: number;
  revenue: number;
  /** Messages the customer sent to the service desk (`Message Received`). */
  serviceContacts: number;
  /** Mean CSAT answer (1–5), null when the customer never answered one. */
  csat: number | null;
  /** page, screen and track events in the 30 and 90 days before `asOf`. */
  touches30: number;
  touches90: number;
};

export const CHURN_FEATURES = [
  'recencyDays',
  'frequency',
  'monetary',
  'tenureDays',
  'serviceContacts',
  'csat',
  'touches30d',
  'touches90d',
] as const;

const DAY_MS = 86_400_000;
/** Neutral CSAT (the middle of 1–5): a customer who never answered weighs as neither happy nor not. */
const NEUTRAL_CSAT = 3;

/** The feature row, in the order of CHURN_FEATURES. Counts and money are log1p: heavy tails. */
export function churnFeatures(a: CustomerActivity, asOf: Date): number[] {
  return [
    (asOf.getTime() - a.lastOrder.getTime()) / DAY_MS,
    Math.log1p(a.orders),
    Math.log1p(Math.max(0, a.revenue)),
    (asOf.getTime() - a.firstSeen.getTime()) / DAY_MS,
    Math.log1p(a.serviceContacts),
    (a.csat ?? NEUTRAL_CSAT) - NEUTRAL_CSAT,
    Math.log1p(a.touches30),
    Math.log1p(a.touches90),
  ];
}

/** mulberry32: a small seeded generator, so the same workspace always gets the same split. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Customers split by id (sorted, then a seeded shuffle): `holdoutShare` of them held out. */
export function splitByCustomer<T extends { customerId: string }>(
  items: readonly T[],
  input: { seed: number; holdoutShare: number },
): { train: T[]; holdout: T[] } {
  const shuffled = [...items].sort((a, b) =>
    a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0,
  );
  const random = seededRandom(input.seed);
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const holdoutSize = Math.round(shuffled.length * input.holdoutShare);
  return { holdout: shuffled.slice(0, holdoutSize), train: shuffled.slice(holdoutSize) };
}

export type LabelledCustomer = { customerId: string; features: number[]; churned: boolean };

export type ChurnModel = {
  auc: number;
  baselineAuc: number;
  trainCustomers: number;
  holdoutCustomers: number;
  /** The model refitted on every labelled customer, which scores the live base. */
  fit: DenseLogisticFit;
  coefficients: { feature: (typeof CHURN_FEATURES)[number]; weight: number }[];
};

export type ChurnModelError = { type: 'not-enough-data'; customers: number; churned: number };

const MIN_CUSTOMERS = 20;

/** Trains on a 70/30 split by customer, measures the hold-out AUC, then refits on everyone. */
export function trainChurnModel(input: {
  customers: readonly LabelledCustomer[];
  seed?: number;
  holdoutShare?: number;
  lambda?: number;
}): Result<ChurnModel, ChurnModelError> {
  const { customers } = input;
  const churned = customers.filter((c) => c.churned).length;
  const { train, holdout } = splitByCustomer(customers, {
    seed: input.seed ?? 1405,
    holdoutShare: input.holdoutShare ?? 0.3,
  });
  const bothClasses = (set: LabelledCustomer[]) => set.some((c) => c.churned) && set.some((c) => !c.churned);
  if (customers.length < MIN_CUSTOMERS || !bothClasses(train) || !bothClasses(holdout)) {
    return err({ type: 'not-enough-data', customers: customers.length, churned });
  }
  const labels = (set: LabelledCustomer[]) => set.map((c) => (c.churned ? 1 : 0));
  const trained = fitDenseLogisticRegression({
    rows: train.map((c) => c.features),
    labels: labels(train),
    lambda: input.lambda ?? 1,
  });
  const holdoutLabels = labels(holdout);
  const auc = areaUnderRoc(
    holdout.map((c) => predictProbability(trained, c.features)),
    holdoutLabels,
  );
  // The baseline ranks by days since the last order alone (feature 0): longer ago, likelier gone.
  const baselineAuc = areaUnderRoc(
    holdout.map((c) => c.features[0]!),
    holdoutLabels,
  );
  const fit = fitDenseLogisticRegression({
    rows: customers.map((c) => c.features),
    labels: labels([...customers]),
    lambda: input.lambda ?? 1,
  });
  return ok({
    auc,
    baselineAuc,
    trainCustomers: train.length,
    holdoutCustomers: holdout.length,
    fit,
    coefficients: CHURN_FEATURES.map((feature, j) => ({ feature, weight: fit.weights[j]! })),
  });
}
