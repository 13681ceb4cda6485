/**
 * Prometheus metrics for /metrics, in-process (each replica reports its own). Counters
 * with labels, one histogram for detection-to-response latency, and gauges read on scrape.
 * Ingest rate is `rate(sg_signals_total[5m])`; verdicts by reason `sg_verdicts_total`;
 * connected devices `sg_stream_connections` (live WebSockets on this replica) and
 * `sg_devices_reporting` (any replica, from the store).
 */

type Labels = Record<string, string>;

const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 60_000];

export interface Metrics {
  inc(name: string, help: string, labels?: Labels, by?: number): void;
  observeLatency(ms: number): void;
  gauge(name: string, help: string, read: () => number): void;
  /** A gauge whose value the caller sets (e.g. from the store, just before a scrape). */
  set(name: string, help: string, value: number): void;
  render(): string;
}

const key = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '_')}"`)
    .join(',');

export function createMetrics(): Metrics {
  const counters = new Map<string, { help: string; values: Map<string, number> }>();
  const gauges = new Map<string, { help: string; read: () => number }>();
  const buckets = LATENCY_BUCKETS_MS.map(() => 0);
  let count = 0;
  let sum = 0;
  return {
    inc(name, help, labels = {}, by = 1) {
      const counter = counters.get(name) ?? { help, values: new Map<string, number>() };
      counters.set(name, counter);
      const k = key(labels);
      counter.values.set(k, (counter.values.get(k) ?? 0) + by);
    },
    observeLatency(ms) {
      count++;
      sum += ms;
      LATENCY_BUCKETS_MS.forEach((le, i) => {
        if (ms <= le) buckets[i]! += 1;
      });
    },
    gauge(name, help, read) {
      gauges.set(name, { help, read });
    },
    set(name, help, value) {
      gauges.set(name, { help, read: () => value });
    },
    render() {
      const lines: string[] = [];
      for (const [name, { help, values }] of counters) {
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
        for (const [k, v] of values) lines.push(`${name}${k ? `{${k}}` : ''} ${v}`);
      }
      for (const [name, { help, read }] of gauges)
        lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${read()}`);
      const h = 'sg_detection_to_response_ms';
      lines.push(`# HELP ${h} Detection-to-response latency of acknowledged verdicts`, `# TYPE ${h} histogram`);
      LATENCY_BUCKETS_MS.forEach((le, i) => lines.push(`${h}_bucket{le="${le}"} ${buckets[i]}`));
      lines.push(`${h}_bucket{le="+Inf"} ${count}`, `${h}_sum ${sum}`, `${h}_count ${count}`);
      return `${lines.join('\n')}\n`;
    },
  };
}
