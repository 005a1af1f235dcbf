// Turns a purchase log into the recency-frequency-monetary summary the CLV models are fitted on,
// following Fader, Hardie & Lee (2005): one transaction per customer per calendar day.

export type TimeUnit = 'day' | 'week';

export type Purchase = { customerId: string; at: Date; amount: number };

/** One customer's calibration-period summary; `recency` and `T` are in the chosen time unit. */
export type PurchaseSummary = {
  customerId: string;
  /** Repeat transactions: transaction days after the first one. */
  frequency: number;
  /** From the first to the last transaction. */
  recency: number;
  /** From the first transaction to the end of the calibration period. */
  T: number;
  /** Mean value of the repeat transactions; 0 when there are none (the first one is left out, as in the paper). */
  monetaryValue: number;
};

const MS_PER_DAY = 86_400_000;

export function daysPerUnit(timeUnit: TimeUnit): number {
  return timeUnit === 'week' ? 7 : 1;
}

function calendarDay({ at, utcOffsetMinutes }: { at: Date; utcOffsetMinutes: number }): number {
  const ms = at.getTime();
  if (!Number.isFinite(ms)) {
    throw new RangeError('summarizePurchases: invalid date');
  }
  return Math.floor((ms + utcOffsetMinutes * 60_000) / MS_PER_DAY);
}

/**
 * Summarises purchases made up to and including the calendar day of `calibrationEnd`. Calendar
 * days are taken in UTC unless `utcOffsetMinutes` says otherwise (Tehran is +210), so a late
 * evening purchase falls on the day the customer saw. Customers whose first purchase is after
 * the calibration end are absent; the result keeps the order in which customers first appear.
 */
export function summarizePurchases({
  purchases,
  calibrationEnd,
  timeUnit,
  utcOffsetMinutes = 0,
}: {
  purchases: readonly Purchase[];
  calibrationEnd: Date;
  timeUnit: TimeUnit;
  utcOffsetMinutes?: number;
}): PurchaseSummary[] {
  const endDay = calendarDay({ at: calibrationEnd, utcOffsetMinutes });
  // Per customer: the amount spent on each calendar day, so same-day orders merge into one transaction.
  const spendByDay = new Map<string, Map<number, number>>();
  for (const { customerId, at, amount } of purchases) {
    if (!Number.isFinite(amount)) {
      throw new RangeError(`summarizePurchases: amount of customer ${customerId} is not a number`);
    }
    const day = calendarDay({ at, utcOffsetMinutes });
    if (day > endDay) continue;
    let days = spendByDay.get(customerId);
    if (days === undefined) {
      days = new Map();
      spendByDay.set(customerId, days);
    }
    days.set(day, (days.get(day) ?? 0) + amount);
  }
  const unit = daysPerUnit(timeUnit);
  const summaries: PurchaseSummary[] = [];
  for (const [customerId, days] of spendByDay) {
    let first = Infinity;
    let last = -Infinity;
    let total = 0;
    for (const [day, amount] of days) {
      total += amount;
      if (day < first) first = day;
      if (day > last) last = day;
    }
    const frequency = days.size - 1;
    const firstAmount = days.get(first) ?? 0;
    summaries.push({
      customerId,
      frequency,
      recency: (last - first) / unit,
      T: (endDay - first) / unit,
      monetaryValue: frequency > 0 ? (total - firstAmount) / frequency : 0,
    });
  }
  return summaries;
}
