// First-order Markov attribution (Anderl, Becker, von Wangenheim & Schumann 2016, "Mapping the
// customer journey: lessons learned from graph-based online attribution modeling"). Every journey
// is a walk (start) → channel → … → (conversion) or (null); the chain's transition probabilities
// are the observed frequencies. A channel's removal effect is the share of the chain's conversion
// probability that is lost when every walk reaching that channel ends in (null) instead; the
// conversions are split between channels in proportion to their removal effects.

/** A collapsed channel sequence and how many customers walked it, ending in the goal or not. */
export type ChannelPath = { channels: readonly string[]; converted: boolean; customers: number };

// Written as in R's ChannelAttribution package: the parentheses keep them apart from channel names.
export const START = '(start)';
export const CONVERSION = '(conversion)';
export const NULL_STATE = '(null)';

export type Transition = { from: string; to: string; count: number; probability: number };

export type MarkovAttribution = {
  conversions: number;
  /** The chain's probability of reaching (conversion) from (start). */
  conversionProbability: number;
  channels: { channel: string; removalEffect: number; conversions: number }[];
};

// States by index: 0 is (start), 1..n the channels, n+1 (conversion), n+2 (null).
type Chain = { channels: string[]; counts: number[][] };

function buildChain(paths: readonly ChannelPath[]): Chain {
  const channels = [...new Set(paths.flatMap((p) => p.channels))].sort();
  const index = new Map(channels.map((c, i) => [c, i + 1]));
  const size = channels.length + 3;
  const counts = Array.from({ length: size }, () => new Array<number>(size).fill(0));
  const conversion = channels.length + 1;
  for (const path of paths) {
    if (path.customers <= 0) continue;
    let from = 0;
    for (const channel of path.channels) {
      const to = index.get(channel)!;
      counts[from]![to]! += path.customers;
      from = to;
    }
    // An empty path is a customer with no touch: it goes from (start) straight to its outcome.
    counts[from]![path.converted ? conversion : conversion + 1]! += path.customers;
  }
  return { channels, counts };
}

const stateName = (chain: Chain, i: number): string =>
  i === 0
    ? START
    : i <= chain.channels.length
      ? chain.channels[i - 1]!
      : i === chain.channels.length + 1
        ? CONVERSION
        : NULL_STATE;

/** Every observed transition with its probability (row-normalised counts), by `from` then `to`. */
export function transitionMatrix(paths: readonly ChannelPath[]): Transition[] {
  const chain = buildChain(paths);
  const transitions: Transition[] = [];
  chain.counts.forEach((row, from) => {
    const total = row.reduce((s, c) => s + c, 0);
    row.forEach((count, to) => {
      if (count > 0)
        transitions.push({
          from: stateName(chain, from),
          to: stateName(chain, to),
          count,
          probability: count / total,
        });
    });
  });
  return transitions;
}

/**
 * The probability of absorption in (conversion) from (start): solves p = Q·p + r over the
 * transient states (start and channels), with p(removed) = 0 when a channel is removed. The chain
 * may loop (web → email → web), so this is a linear system, not a sum over paths.
 */
function conversionProbability(chain: Chain, removed: number | null): number {
  const n = chain.channels.length + 1;
  const conversion = n;
  const a = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const b = new Array<number>(n).fill(0);
  for (let s = 0; s < n; s++) {
    a[s]![s] = 1;
    const row = chain.counts[s]!;
    const total = row.reduce((sum, c) => sum + c, 0);
    if (s === removed || total === 0) continue;
    for (let t = 0; t < n; t++) a[s]![t]! -= row[t]! / total;
    b[s] = row[conversion]! / total;
  }
  return solveLinear(a, b)[0]!;
}

/** Gaussian elimination with partial pivoting; `a` is square and non-singular here (every state can be left). */
export function solveLinear(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]![col]!;
    if (p === 0) throw new Error('singular system');
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = m[r]![col]! / p;
      if (factor === 0) continue;
      for (let c = col; c <= n; c++) m[r]![c]! -= factor * m[col]![c]!;
    }
  }
  return m.map((row, i) => row[n]! / row[i]!);
}

/** Removal effect of every channel and the conversions credited to it (they sum to the conversions). */
export function markovAttribution(paths: readonly ChannelPath[]): MarkovAttribution {
  const chain = buildChain(paths);
  const conversions = paths.reduce((s, p) => s + (p.converted ? p.customers : 0), 0);
  const base = conversionProbability(chain, null);
  const effects = chain.channels.map((_, i) =>
    base > 0 ? Math.max(0, 1 - conversionProbability(chain, i + 1) / base) : 0,
  );
  const total = effects.reduce((s, e) => s + e, 0);
  return {
    conversions,
    conversionProbability: base,
    channels: chain.channels.map((channel, i) => ({
      channel,
      removalEffect: effects[i]!,
      conversions: total > 0 ? (conversions * effects[i]!) / total : 0,
    })),
  };
}
