// A small Prometheus registry: counters and histograms, rendered in the text exposition format.
// Its figures are plain data, so another process's (an ingest worker's, sent over IPC) can be added
// to them: the hub's /metrics then counts the work of every process that shares its database.

type Labels = Record<string, string>;
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

/** Seconds: the buckets of the hub's latency histograms (HTTP requests, ingest flushes). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

type HistogramSeries = { labels: Labels; counts: number[]; sum: number; count: number };

/** One process's figures; series are keyed by their label text. */
export type MetricsSnapshot = {
  counters: Record<string, { help: string; values: Record<string, number> }>;
  histograms: Record<string, { help: string; buckets: number[]; series: Record<string, HistogramSeries> }>;
};

export function createMetrics() {
  const own: MetricsSnapshot = { counters: {}, histograms: {} };
  const otherProcesses: (() => Promise<MetricsSnapshot[]>)[] = [];
  return {
    counter(name: string, help: string) {
      const entry = (own.counters[name] ??= { help, values: {} });
      return (by = 1, labels: Labels = {}) => {
        const key = labelText(labels);
        entry.values[key] = (entry.values[key] ?? 0) + by;
      };
    },
    histogram(name: string, help: string, buckets: number[]) {
      const entry = (own.histograms[name] ??= { help, buckets, series: {} });
      return (value: number, labels: Labels = {}) => {
        const series = (entry.series[labelText(labels)] ??= {
          labels,
          counts: buckets.map(() => 0),
          sum: 0,
          count: 0,
        });
        buckets.forEach((b, i) => {
          if (value <= b) series.counts[i]!++;
        });
        series.sum += value;
        series.count++;
      };
    },
    /** This process's figures as they are now (a copy). */
    snapshot: (): MetricsSnapshot => structuredClone(own),
    /** Adds the figures `collect` gathers from other processes to every `render`. */
    includeOtherProcesses(collect: () => Promise<MetricsSnapshot[]>) {
      otherProcesses.push(collect);
    },
    /** The text exposition: this process's figures plus the other processes', series by series. */
    async render(): Promise<string> {
      const others = (await Promise.all(otherProcesses.map((collect) => collect()))).flat();
      return exposition(addUp([own, ...others]));
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;

/**
 * Sums the same series of several processes, as prom-client's cluster registry does. Every
 * process runs the same code, so a histogram has the same buckets in each.
 */
export function addUp(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const total: MetricsSnapshot = { counters: {}, histograms: {} };
  for (const snapshot of snapshots) {
    for (const [name, { help, values }] of Object.entries(snapshot.counters)) {
      const into = (total.counters[name] ??= { help, values: {} });
      for (const [key, value] of Object.entries(values)) into.values[key] = (into.values[key] ?? 0) + value;
    }
    for (const [name, { help, buckets, series }] of Object.entries(snapshot.histograms)) {
      const into = (total.histograms[name] ??= { help, buckets, series: {} });
      for (const [key, s] of Object.entries(series)) {
        const sum = (into.series[key] ??= {
          labels: s.labels,
          counts: buckets.map(() => 0),
          sum: 0,
          count: 0,
        });
        s.counts.forEach((n, i) => (sum.counts[i]! += n));
        sum.sum += s.sum;
        sum.count += s.count;
      }
    }
  }
  return total;
}

function exposition({ counters, histograms }: MetricsSnapshot): string {
  const lines: string[] = [];
  for (const [name, { help, values }] of Object.entries(counters)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
    const series = Object.entries(values);
    if (series.length === 0) lines.push(`${name} 0`);
    for (const [labels, value] of series) lines.push(`${name}${labels} ${value}`);
  }
  for (const [name, { help, buckets, series }] of Object.entries(histograms)) {
    lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
    for (const s of Object.values(series)) {
      buckets.forEach((b, i) =>
        lines.push(`${name}_bucket${labelText({ ...s.labels, le: String(b) })} ${s.counts[i]}`),
      );
      lines.push(`${name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(
        `${name}_sum${labelText(s.labels)} ${s.sum}`,
        `${name}_count${labelText(s.labels)} ${s.count}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
