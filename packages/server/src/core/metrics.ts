// A small Prometheus registry: counters and histograms, rendered in the text exposition format.

type Labels = Record<string, string>;
const labelText = (labels: Labels) => {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`);
  return parts.length ? `{${parts.join(',')}}` : '';
};

/** Seconds: the buckets of the hub's latency histograms (HTTP requests, ingest flushes). */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

export function createMetrics() {
  const counters = new Map<string, { help: string; values: Map<string, number> }>();
  const histograms = new Map<
    string,
    {
      help: string;
      buckets: number[];
      series: Map<string, { counts: number[]; sum: number; count: number; labels: Labels }>;
    }
  >();
  return {
    counter(name: string, help: string) {
      const entry = counters.get(name) ?? { help, values: new Map<string, number>() };
      counters.set(name, entry);
      return (by = 1, labels: Labels = {}) => {
        const key = labelText(labels);
        entry.values.set(key, (entry.values.get(key) ?? 0) + by);
      };
    },
    histogram(name: string, help: string, buckets: number[]) {
      const entry = histograms.get(name) ?? { help, buckets, series: new Map() };
      histograms.set(name, entry);
      return (value: number, labels: Labels = {}) => {
        const key = labelText(labels);
        let series = entry.series.get(key);
        if (!series)
          entry.series.set(key, (series = { counts: buckets.map(() => 0), sum: 0, count: 0, labels }));
        buckets.forEach((b, i) => {
          if (value <= b) series.counts[i]!++;
        });
        series.sum += value;
        series.count++;
      };
    },
    render(): string {
      const lines: string[] = [];
      for (const [name, { help, values }] of counters) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        if (values.size === 0) lines.push(`${name} 0`);
        for (const [labels, value] of values) lines.push(`${name}${labels} ${value}`);
      }
      for (const [name, { help, buckets, series }] of histograms) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} histogram`);
        for (const s of series.values()) {
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
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
