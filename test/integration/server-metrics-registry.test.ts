import { afterEach, describe, expect, it } from 'vitest';
import { COUNTERS, createMetrics, UndeclaredMetricError } from '../../src/server/metrics';
import { createTestApp, type TestApp } from './server-support/test-app';

describe('/metrics before any traffic', () => {
  let t: TestApp | undefined;
  afterEach(async () => t?.close());

  it('lists every declared metric, its counters at 0, on a fresh app', async () => {
    t = await createTestApp({ context: { publicMetrics: true } });
    const declared = createMetrics().names();

    const res = await t.app.inject({ url: '/metrics' });

    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    for (const name of declared) {
      expect(res.body, name).toContain(`# HELP ${name} `);
      expect(res.body, name).toMatch(new RegExp(`^# TYPE ${name} (counter|gauge|histogram)$`, 'm'));
    }
    for (const [name, spec] of Object.entries(COUNTERS)) {
      if (spec.labels.length === 0) expect(res.body).toContain(`${name} 0\n`);
      for (const labels of spec.initial ?? []) {
        const series = Object.entries(labels)
          .sort(([a], [b]) => a.localeCompare(b))
          .map(([k, v]) => `${k}="${v}"`)
          .join(',');
        expect(res.body).toContain(`${name}{${series}} 0\n`);
      }
    }
    expect(res.body).toContain('sg_findings_total{outcome="verdict_issued",reason="tor"} 0');
    expect(res.body).toContain('sg_stream_connections 0');
    expect(res.body).toContain('sg_detection_to_response_ms_bucket{le="+Inf"} 0');
    expect(res.body).toContain('sg_tor_exit_list_stale 1');
    expect(declared.length).toBeGreaterThanOrEqual(25);
  });
});

describe('the metrics registry', () => {
  it('escapes label values instead of replacing their characters', async () => {
    const metrics = createMetrics();

    metrics.counters.sg_requests_refused_total.inc({ code: 'a"b\\c\nd' });

    expect(await metrics.render()).toContain('sg_requests_refused_total{code="a\\"b\\\\c\\nd"} 1');
  });

  it('keeps the old inc(name, help, labels) call working for declared names and refuses any other', async () => {
    const metrics = createMetrics();

    metrics.inc('sg_webhook_deliveries_total', 'ignored: the declaration has the help', { result: 'delivered' }, 2);

    expect(await metrics.render()).toContain('sg_webhook_deliveries_total{result="delivered"} 2');
    expect(() => metrics.inc('sg_not_declared_total', 'nope')).toThrow(UndeclaredMetricError);
  });
});
