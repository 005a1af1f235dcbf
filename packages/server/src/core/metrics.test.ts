import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.ts';

describe('metrics', () => {
  it("adds other processes' counters and histograms to this process's, series by series", async () => {
    const worker = createMetrics();
    worker.counter('events_total', 'Events')(3, { channel: 'web' });
    worker.counter('events_total', 'Events')(2, { channel: 'sms' });
    worker.histogram('flush_seconds', 'Flushes', [0.1, 1])(0.5);

    const hub = createMetrics();
    const countEvents = hub.counter('events_total', 'Events');
    countEvents(1, { channel: 'web' });
    hub.counter('requests_total', 'Requests');
    hub.histogram('flush_seconds', 'Flushes', [0.1, 1])(0.05);
    hub.includeOtherProcesses(async () => [worker.snapshot(), worker.snapshot()]);

    expect((await hub.render()).split('\n')).toEqual([
      '# HELP events_total Events',
      '# TYPE events_total counter',
      'events_total{channel="web"} 7',
      'events_total{channel="sms"} 4',
      '# HELP requests_total Requests',
      '# TYPE requests_total counter',
      'requests_total 0',
      '# HELP flush_seconds Flushes',
      '# TYPE flush_seconds histogram',
      'flush_seconds_bucket{le="0.1"} 1',
      'flush_seconds_bucket{le="1"} 3',
      'flush_seconds_bucket{le="+Inf"} 3',
      'flush_seconds_sum 1.05',
      'flush_seconds_count 3',
      '',
    ]);
  });

  it('takes a snapshot that later counts do not change', () => {
    const metrics = createMetrics();
    const count = metrics.counter('events_total', 'Events');
    count(1);
    const snapshot = metrics.snapshot();
    count(1);
    expect(snapshot.counters.events_total?.values['']).toBe(1);
  });
});
