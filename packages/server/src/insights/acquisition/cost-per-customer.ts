// Cost per acquired customer: recorded costs prorated to the period, matched to the customers
// acquired in it. A cost recorded for a campaign pays for that campaign's customers; a cost for
// the channel alone pays for its customers whose campaign has no cost of its own.

export type AcquiredGroup = { channel: string; campaign: string | null; customers: number };
export type CostRecord = {
  channel: string;
  campaign: string | null;
  amount: number;
  currency: string;
  from: Date;
  to: Date;
};
export type CostRow = {
  channel: string;
  campaign: string | null;
  currency: string | null;
  cost: number;
  customers: number;
  costPerCustomer: number | null;
};

const keyOf = (channel: string, campaign: string | null) => JSON.stringify([channel, campaign]);

/** The share of a cost that falls in [from, to), spread evenly over its own period. */
export function prorate(cost: CostRecord, from: Date, to: Date): number {
  const overlap = Math.min(to.getTime(), cost.to.getTime()) - Math.max(from.getTime(), cost.from.getTime());
  const length = cost.to.getTime() - cost.from.getTime();
  return overlap <= 0 || length <= 0 ? 0 : (cost.amount * overlap) / length;
}

export function costPerCustomer(input: {
  groups: readonly AcquiredGroup[];
  costs: readonly CostRecord[];
  from: Date;
  to: Date;
}): CostRow[] {
  const rows = new Map<
    string,
    { channel: string; campaign: string | null; customers: number; cost: Map<string, number> }
  >();
  const rowFor = (channel: string, campaign: string | null) => {
    const key = keyOf(channel, campaign);
    let row = rows.get(key);
    if (!row) rows.set(key, (row = { channel, campaign, customers: 0, cost: new Map() }));
    return row;
  };
  for (const c of input.costs) {
    const row = rowFor(c.channel, c.campaign);
    row.cost.set(c.currency, (row.cost.get(c.currency) ?? 0) + prorate(c, input.from, input.to));
  }
  const costed = new Set(input.costs.map((c) => keyOf(c.channel, c.campaign)));
  for (const g of input.groups) {
    const own = costed.has(keyOf(g.channel, g.campaign)) || !costed.has(keyOf(g.channel, null));
    rowFor(g.channel, own ? g.campaign : null).customers += g.customers;
  }
  const result: CostRow[] = [];
  for (const row of rows.values()) {
    const base = { channel: row.channel, campaign: row.campaign, customers: row.customers };
    if (row.cost.size === 0) result.push({ ...base, currency: null, cost: 0, costPerCustomer: null });
    // Costs in several currencies stay apart: the hub does not convert money.
    for (const [currency, cost] of row.cost) {
      result.push({
        ...base,
        currency,
        cost,
        costPerCustomer: row.customers > 0 ? cost / row.customers : null,
      });
    }
  }
  return result.sort((a, b) => b.customers - a.customers || a.channel.localeCompare(b.channel));
}
