/**
 * Prometheus metrics for /metrics, in-process (each replica reports its own), on a
 * prom-client registry per app. Every metric is declared once, below: name, help, labels
 * and type, so it appears (at 0) on the very first scrape, before anything happened, and
 * an alert on it never waits for a first increment (issue 11). prom-client escapes label
 * values. Call sites use typed handles (`metrics.counters.sg_signals_total.inc(...)`);
 * `inc(name, help, labels)` remains as a thin shim over the same registry for older call
 * sites, and refuses a name declared nowhere.
 *
 * Ingest rate is `rate(sg_signals_total[5m])`; verdicts by reason `sg_verdicts_total`;
 * connected devices `sg_stream_connections` (live WebSockets on this replica) and
 * `sg_devices_reporting` (any replica, from the store).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { VerdictAck } from '../shared/protocol/verdict';
import { REASON_CODES } from '../shared/protocol/reason-codes';
import { FIXED_RULES, PRUNE_RULES } from './retention/rules';

type Labels = Record<string, string>;

interface CounterSpec<L extends string = string> {
  help: string;
  labels: readonly L[];
  /** Label sets shown at 0 from the start (the values a dashboard expects to see). */
  initial?: readonly Record<L, string>[];
}

const counter = <const L extends string>(help: string, labels: readonly L[], initial?: Record<L, string>[]) => ({
  help,
  labels,
  initial,
});
const each = <K extends string>(key: K, values: readonly string[]) =>
  values.map((v) => ({ [key]: v }) as Record<K, string>);

/** Every table the prune job deletes from, at 0 from the start (src/server/retention/rules.ts). */
const PRUNED_TABLES = [...PRUNE_RULES, ...FIXED_RULES].map((r) => ({ kind: r.kind, table: r.table }));

const FINDING_OUTCOMES = ['verdict_issued', 'would_terminate', 'alert', 'excluded', 'cooldown'] as const;

/** Every counter this backend keeps. Names are a contract: dashboards and alerts use them. */
export const COUNTERS = {
  sg_signals_total: counter('Signals received, by result', ['result'], each('result', ['accepted', 'duplicate'])),
  sg_findings_total: counter(
    'Findings, by reason and outcome',
    ['outcome', 'reason'],
    REASON_CODES.flatMap((reason) => FINDING_OUTCOMES.map((outcome) => ({ outcome, reason }))),
  ),
  sg_verdicts_total: counter('Verdicts issued by this replica, by reason', ['reason'], each('reason', REASON_CODES)),
  sg_acks_total: counter(
    'Verdict acknowledgements, by outcome',
    ['outcome'],
    each('outcome', VerdictAck.shape.outcome.options),
  ),
  sg_requests_refused_total: counter('Requests refused, by reason', ['code']),
  sg_store_failures_total: counter(
    'Requests answered 503 because the database was unavailable or full (issue #17)',
    ['code'],
    each('code', ['store_unavailable', 'store_full']),
  ),
  sg_admin_sign_ins_total: counter(
    'Dashboard sign-in attempts, by result',
    ['result'],
    each('result', ['ok', 'failed', 'busy', 'block_locked', 'slowdown']),
  ),
  sg_admin_streams_opened_total: counter('Live dashboard streams opened', []),
  sg_identity_verifications_total: counter(
    'Sign in with Slack answers, by result',
    ['result'],
    each('result', ['verified']),
  ),
  sg_webhook_deliveries_total: counter(
    'Webhook delivery attempts, by result',
    ['result'],
    each('result', ['delivered', 'failed']),
  ),
  sg_slack_revocations_total: counter('Server-side revocations, by mode and result', ['mode', 'result']),
  sg_slack_calls_total: counter('Slack API calls, by method and result', ['method', 'result']),
  sg_detection_batches_total: counter(
    'Signal batches run through detection, by result (retry: will run again; failed: given up)',
    ['result'],
    each('result', ['ok', 'retry', 'failed']),
  ),
  sg_slack_revocation_ticks_total: counter('Passes of the Slack revocation worker over its queue', []),
  sg_jobs_total: counter('Background jobs run, by kind and result (src/server/jobs/)', ['kind', 'result']),
  sg_slack_signouts_total: counter(
    'Sessions ended at Slack by the device, by result (issue #12)',
    ['status'],
    each('status', ['confirmed', 'failed', 'skipped']),
  ),
  sg_retention_pruned_rows_total: counter(
    'Rows the prune job deleted, by retention kind and table (issue #16, docs/scaling.md)',
    ['kind', 'table'],
    PRUNED_TABLES,
  ),
  sg_verdict_answers_total: counter(
    'Users’ "this was me" answers to verdicts, by answer (issue #14)',
    ['answer'],
    each('answer', ['me', 'not_me']),
  ),
} as const satisfies Record<string, CounterSpec>;

/** Every gauge: read on scrape from whatever feeds it (`readFrom`), or `set` just before. */
export const GAUGES = {
  sg_stream_connections: 'Authenticated verdict streams (connected devices) on this replica',
  sg_admin_event_streams: 'Live dashboard streams on this replica',
  sg_streams_open: 'Authenticated verdict streams open on this replica',
  sg_streams_pending: 'Verdict streams still authenticating',
  sg_streams_limit_total: 'Most authenticated verdict streams this replica keeps',
  sg_streams_limit_pending: 'Most streams authenticating at once',
  sg_streams_limit_per_device: 'Most open streams per device',
  sg_devices_enrolled: 'Enrolled devices that are not revoked',
  sg_devices_reporting: 'Devices that reported within the last 5 minutes',
  sg_devices_revoked: 'Revoked devices',
  sg_signal_batches_in_flight: 'Signal batches being stored or run through detection',
  sg_detection_jobs_pending: 'Stored signal batches waiting for detection to run again (issue #17)',
  sg_detection_jobs_failed: 'Stored signal batches whose detection failed for good (session-guard jobs list)',
  sg_tor_exit_list_entries: 'Addresses in the Tor exit list in use',
  sg_tor_exit_list_age_seconds: 'Age of the Tor exit list content (-1: none loaded)',
  sg_tor_exit_list_stale: '1 when the Tor exit list is stale, empty, failing or not configured',
  sg_asn_data_ranges: 'Address ranges in the IP-to-ASN data set in use (0: none)',
  sg_asn_data_age_seconds: 'Age of the IP-to-ASN data set content (-1: none loaded or not configured)',
} as const;

export const HISTOGRAMS = {
  sg_detection_to_response_ms: {
    help: 'Detection-to-response latency of acknowledged verdicts',
    buckets: [50, 100, 250, 500, 1000, 2500, 5000, 10_000, 60_000],
  },
} as const;

type CounterName = keyof typeof COUNTERS;
type LabelsOf<N extends CounterName> = Record<(typeof COUNTERS)[N]['labels'][number], string>;
export type GaugeName = keyof typeof GAUGES;

export interface CounterHandle<L extends Labels> {
  inc(labels: L, by?: number): void;
}
export interface GaugeHandle {
  set(value: number): void;
  /** Read on every scrape (a live count elsewhere in the process). */
  readFrom(read: () => number): void;
}
export interface HistogramHandle {
  observe(value: number): void;
}

export interface Metrics {
  counters: { [N in CounterName]: CounterHandle<LabelsOf<N>> };
  gauges: Record<GaugeName, GaugeHandle>;
  histograms: Record<keyof typeof HISTOGRAMS, HistogramHandle>;
  /** Every declared metric name, for tests and docs. */
  names(): string[];
  /** Prometheus text exposition format. */
  render(): Promise<string>;
  contentType: string;
  /** Compatibility shim: a declared counter by name (help comes from the declaration). */
  inc(name: string, help: string, labels?: Labels, by?: number): void;
  /** Compatibility shim for `metrics.histograms.sg_detection_to_response_ms.observe`. */
  observeLatency(ms: number): void;
}

export class UndeclaredMetricError extends Error {}

/** Labels in sorted key order, so a series prints the same however a caller wrote them. */
const sorted = (labels: Labels): Labels =>
  Object.fromEntries(Object.entries(labels).sort(([a], [b]) => a.localeCompare(b)));

export function createMetrics(): Metrics {
  const registry = new Registry();
  const counters = {} as Record<string, CounterHandle<Labels>>;
  for (const [name, spec] of Object.entries(COUNTERS) as [string, CounterSpec][]) {
    const c = new Counter({ name, help: spec.help, labelNames: [...spec.labels], registers: [registry] });
    for (const labels of spec.initial ?? []) c.inc(sorted(labels), 0);
    counters[name] = {
      inc: (labels, by = 1) => (spec.labels.length ? c.inc(sorted(labels), by) : c.inc(by)),
    };
  }
  const gauges = {} as Record<GaugeName, GaugeHandle>;
  for (const [name, help] of Object.entries(GAUGES) as [GaugeName, string][]) {
    let read: (() => number) | null = null;
    const g = new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        if (read) this.set(read());
      },
    });
    gauges[name] = {
      set: (value) => {
        read = null;
        g.set(value);
      },
      readFrom: (fn) => {
        read = fn;
      },
    };
  }
  const latency = new Histogram({
    name: 'sg_detection_to_response_ms',
    help: HISTOGRAMS.sg_detection_to_response_ms.help,
    buckets: [...HISTOGRAMS.sg_detection_to_response_ms.buckets],
    registers: [registry],
  });
  const histograms = { sg_detection_to_response_ms: { observe: (v: number) => latency.observe(v) } };

  return {
    counters: counters as Metrics['counters'],
    gauges,
    histograms,
    names: () => [...Object.keys(COUNTERS), ...Object.keys(GAUGES), ...Object.keys(HISTOGRAMS)],
    render: () => registry.metrics(),
    contentType: registry.contentType,
    inc(name, _help, labels = {}, by = 1) {
      let handle = counters[name];
      if (!handle) {
        // Under the test runner an undeclared name fails loudly; in production a metric
        // must never stop the work that counts it, so it is registered on first use.
        if (process.env.VITEST)
          throw new UndeclaredMetricError(`metric ${name} is not declared in src/server/metrics.ts`);
        const late = new Counter({ name, help: _help, labelNames: Object.keys(labels), registers: [registry] });
        handle = counters[name] = { inc: (l: Record<string, string>, n = 1) => late.inc(l, n) } as never;
      }
      handle.inc(labels, by);
    },
    observeLatency: (ms) => latency.observe(ms),
  };
}
