// Ordered funnels with the semantics of Mixpanel's and Amplitude's unique-user funnels: a customer
// enters at a step-1 event inside the period; each later step must come after the step before it
// (later in the customer's timeline) and no later than `window` after the step-1 event; other
// events may come between. A customer with several step-1 events counts once, with the attempt
// that gets furthest (the earliest such attempt): Amplitude's "earliest, longest" path.

export type FunnelStep = { event: string; channel?: string | undefined };

/** One event of a customer, in timeline order (`at` in ms; ties keep the given order). */
export type FunnelEvent = { at: number; event: string; channel: string };

export type FunnelAttempt = {
  /** Steps reached: 1..steps.length. */
  reached: number;
  /** When each reached step happened (ms). */
  times: number[];
  /** The channel of the step-1 event (a breakdown uses it). */
  entryChannel: string;
};

export type FunnelStepFigures = {
  event: string;
  channel: string | null;
  customers: number;
  fromPrevious: number | null;
  fromFirst: number | null;
  medianSecondsFromPrevious: number | null;
};

const matches = (step: FunnelStep, e: FunnelEvent) =>
  e.event === step.event && (step.channel === undefined || e.channel === step.channel);

/** The first index in the sorted `list` greater than `after`, or -1. */
function firstAfter(list: readonly number[], after: number): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid]! > after) hi = mid;
    else lo = mid + 1;
  }
  return lo < list.length ? list[lo]! : -1;
}

/**
 * The customer's best attempt, or null when no step-1 event falls in [entryFrom, entryTo).
 * Greedy matching (each step's earliest event after the previous) reaches furthest from a given
 * start, so trying each start is exact; an index per step makes each try O(steps · log events).
 */
export function bestFunnelAttempt(input: {
  steps: readonly FunnelStep[];
  events: readonly FunnelEvent[];
  windowMs: number;
  entryFrom: number;
  entryTo: number;
}): FunnelAttempt | null {
  const { steps, events, windowMs } = input;
  const positions = steps.map((step) => events.flatMap((e, i) => (matches(step, e) ? [i] : [])));
  let best: FunnelAttempt | null = null;
  for (const start of positions[0]!) {
    const entry = events[start]!;
    if (entry.at < input.entryFrom || entry.at >= input.entryTo) continue;
    const times = [entry.at];
    let at = start;
    for (let k = 1; k < steps.length; k++) {
      const next = firstAfter(positions[k]!, at);
      if (next < 0 || events[next]!.at - entry.at > windowMs) break;
      times.push(events[next]!.at);
      at = next;
    }
    if (!best || times.length > best.reached) {
      best = { reached: times.length, times, entryChannel: entry.channel };
      if (best.reached === steps.length) break;
    }
  }
  return best;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Per step: customers who reached it, conversion from the previous and the first step, median time. */
export function summarizeFunnel(
  steps: readonly FunnelStep[],
  attempts: readonly FunnelAttempt[],
): FunnelStepFigures[] {
  const entered = attempts.length;
  return steps.map((step, k) => {
    const reached = attempts.filter((a) => a.reached > k);
    const previous = k === 0 ? entered : attempts.filter((a) => a.reached >= k).length;
    const gaps = k === 0 ? [] : reached.map((a) => (a.times[k]! - a.times[k - 1]!) / 1000);
    return {
      event: step.event,
      channel: step.channel ?? null,
      customers: reached.length,
      fromPrevious: previous > 0 ? reached.length / previous : null,
      fromFirst: entered > 0 ? reached.length / entered : null,
      medianSecondsFromPrevious: median(gaps),
    };
  });
}
