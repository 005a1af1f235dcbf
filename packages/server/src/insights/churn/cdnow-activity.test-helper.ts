// Features use orders up to and including the cutoff; the label, orders in (cutoff, cutoff + window].
// CDNOW purchases turned into the churn model's inputs directly (no database), the reference
// that the hub's SQL aggregates are compared with.
import type { Purchase } from '../clv/purchase-summary.ts';
import { churnFeatures, type CustomerActivity, type LabelledCustomer } from './churn-model.ts';

const DAY_MS = 86_400_000;

export function activityAsOf(purchases: readonly Purchase[], asOf: Date): CustomerActivity[] {
  const byCustomer = new Map<string, CustomerActivity>();
  for (const p of purchases) {
    if (p.at.getTime() > asOf.getTime()) continue;
    const days = (asOf.getTime() - p.at.getTime()) / DAY_MS;
    const a = byCustomer.get(p.customerId) ?? {
      customerId: p.customerId,
      firstSeen: p.at,
      lastOrder: p.at,
      orders: 0,
      revenue: 0,
      serviceContacts: 0,
      csat: null,
      touches30: 0,
      touches90: 0,
    };
    a.orders++;
    a.revenue += p.amount;
    if (p.at < a.firstSeen) a.firstSeen = p.at;
    if (p.at > a.lastOrder) a.lastOrder = p.at;
    if (days < 30) a.touches30++;
    if (days < 90) a.touches90++;
    byCustomer.set(p.customerId, a);
  }
  return [...byCustomer.values()];
}

export function labelledAsOf(
  purchases: readonly Purchase[],
  cutoff: Date,
  windowDays: number,
): LabelledCustomer[] {
  const end = cutoff.getTime() + windowDays * DAY_MS;
  const buyers = new Set(
    purchases
      .filter((p) => p.at.getTime() > cutoff.getTime() && p.at.getTime() <= end)
      .map((p) => p.customerId),
  );
  return activityAsOf(purchases, cutoff).map((a) => ({
    customerId: a.customerId,
    features: churnFeatures(a, cutoff),
    churned: !buyers.has(a.customerId),
  }));
}
