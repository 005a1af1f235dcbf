// What the converting paths look like and the rule-based attributions beside the Markov one:
// first touch, last touch and linear (each channel visit of a path an equal share).
import type { ChannelPath } from './markov-attribution.ts';

export type TopPath = { channels: string[]; customers: number; share: number };

export type HeuristicCredit = { firstTouch: number; lastTouch: number; linear: number };

/**
 * The most common converting paths, with the share of converting customers each holds. Paths
 * that differ only by how their channel list was cut (`maxSteps`) are one path here.
 */
export function topConvertingPaths(paths: readonly ChannelPath[], limit: number): TopPath[] {
  const counts = new Map<string, { channels: string[]; customers: number }>();
  let converters = 0;
  for (const path of paths) {
    if (!path.converted) continue;
    converters += path.customers;
    const key = JSON.stringify(path.channels);
    const entry = counts.get(key) ?? { channels: [...path.channels], customers: 0 };
    entry.customers += path.customers;
    counts.set(key, entry);
  }
  return [...counts.values()]
    .sort(
      (a, b) =>
        b.customers - a.customers ||
        a.channels.length - b.channels.length ||
        a.channels.join('\u0000').localeCompare(b.channels.join('\u0000')),
    )
    .slice(0, limit)
    .map((p) => ({ ...p, share: converters > 0 ? p.customers / converters : 0 }));
}

/** Conversions credited to each channel by first touch, last touch and linear rules. */
export function heuristicAttribution(paths: readonly ChannelPath[]): Map<string, HeuristicCredit> {
  const credit = new Map<string, HeuristicCredit>();
  const of = (channel: string) => {
    let c = credit.get(channel);
    if (!c) credit.set(channel, (c = { firstTouch: 0, lastTouch: 0, linear: 0 }));
    return c;
  };
  for (const path of paths) {
    if (!path.converted || path.channels.length === 0) continue;
    of(path.channels[0]!).firstTouch += path.customers;
    of(path.channels[path.channels.length - 1]!).lastTouch += path.customers;
    for (const channel of path.channels) of(channel).linear += path.customers / path.channels.length;
  }
  return credit;
}
