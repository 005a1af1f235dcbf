// "Customers who bought X also bought Y" for a profile (its own purchases) and for a template (the
// products it shows). Rules are mined from every order's basket once and kept for a while: mining
// per request would cost a full FP-growth for each profile opened.
import { err, ok, type Result } from 'neverthrow';
import { appError, type AppError } from '../../core/errors.ts';
import type { Database } from '../../db/database.ts';
import { basketOf, readOrders } from '../insights.service.ts';
import { mineAssociationRules, type AssociationRule } from './association-rules.ts';
import {
  ALSO_BOUGHT_DEFAULTS,
  alsoBought,
  type AlsoBoughtRanking,
  type Recommendation,
} from './also-bought.ts';

/** Orders that arrived since the rules were mined show up in recommendations after this long. */
export const RULES_MAX_AGE_MS = 10 * 60 * 1000;

type MinedRules = { rules: AssociationRule[]; transactions: number; minedAt: number };

const minedByWorkspace = new Map<string, Promise<MinedRules>>();

async function workspaceRules(db: Database, workspaceId: string): Promise<MinedRules> {
  const cached = minedByWorkspace.get(workspaceId);
  if (cached) {
    const mined = await cached.catch(() => null);
    if (mined && Date.now() - mined.minedAt < RULES_MAX_AGE_MS) return mined;
  }
  const mining = (async () => {
    const orders = await db.inWorkspace(workspaceId, (tx) => readOrders(tx, workspaceId));
    const baskets = orders.map((o) => basketOf(o.properties)).filter((b) => b.length > 0);
    const mined = mineAssociationRules({ baskets, ...ALSO_BOUGHT_DEFAULTS, minLen: 2 });
    return { rules: mined.rules, transactions: mined.transactions, minedAt: Date.now() };
  })();
  minedByWorkspace.set(workspaceId, mining);
  return mining;
}

export type Recommendations = { items: string[]; transactions: number; recommendations: Recommendation[] };

/** Recommendations for a set of items, e.g. the products of an e-mail template or a cart. */
export async function recommendForItems(
  db: Database,
  input: { workspaceId: string; items: string[]; limit: number; rankBy: AlsoBoughtRanking },
): Promise<Recommendations> {
  const mined = await workspaceRules(db, input.workspaceId);
  return {
    items: input.items,
    transactions: mined.transactions,
    recommendations: alsoBought({
      rules: mined.rules,
      items: input.items,
      limit: input.limit,
      rankBy: input.rankBy,
    }),
  };
}

/** Recommendations for a customer from everything they ordered (merged profiles included). */
export async function recommendForCustomer(
  db: Database,
  input: { workspaceId: string; customerId: string; limit: number; rankBy: AlsoBoughtRanking },
): Promise<Result<Recommendations, AppError>> {
  const bought = await db.inWorkspace(input.workspaceId, async (tx) => {
    const [customer] = await tx.query<{ id: string }>(
      'SELECT id FROM customers WHERE workspace_id = $1 AND id = $2',
      [input.workspaceId, input.customerId],
    );
    if (!customer) return null;
    const orders = await tx.query<{ properties: Record<string, unknown> }>(
      `SELECT properties FROM events
       WHERE workspace_id = $1 AND customer_id = $2 AND type = 'track' AND event = 'Order Completed'`,
      [input.workspaceId, input.customerId],
    );
    return [...new Set(orders.flatMap((o) => basketOf(o.properties)))].sort();
  });
  if (bought === null) return err(appError('PSK_CUSTOMER_NOT_FOUND', { field: 'id' }));
  return ok(await recommendForItems(db, { ...input, items: bought }));
}
