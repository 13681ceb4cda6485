import { describe, expect, it } from 'vitest';
import { barChart } from '../../src/dashboard/charts';
import { escapeHtml, html, layout, SafeHtml } from '../../src/dashboard/html';
import { verdictRow } from '../../src/dashboard/tables';
import { hourlyCounts, latencyDistribution } from '../../src/server/admin/overview';
import { TimeParam, VerdictFilter } from '../../src/shared/protocol/admin';
import type { VerdictView } from '../../src/shared/protocol/admin';

const verdict = (overrides: Partial<VerdictView> = {}): VerdictView => ({
  id: '6f1c1b1e-0000-4000-8000-000000000001',
  deviceId: 'dev-0123456789abcdef',
  userId: null,
  sessionKey: null,
  reasons: ['excessive_downloads'],
  action: 'terminate',
  issuedAt: Date.UTC(2025, 8, 1, 8, 30),
  expiresAt: Date.UTC(2025, 8, 1, 8, 40),
  policyVersion: 3,
  findingId: 'f',
  detectedAt: null,
  ack: null,
  ...overrides,
});

describe('dashboard HTML', () => {
  it('escapes every interpolated value unless it is already safe HTML', () => {
    const hostile = '<script>alert("x")</script>&\'';

    const out = html`<p title="${hostile}">${hostile}${[hostile, html`<b>ok</b>`]}${null}${undefined}${false}${0}</p>`
      .value;

    expect(out).toBe(`<p title="${escapeHtml(hostile)}">${escapeHtml(hostile)}${escapeHtml(hostile)}<b>ok</b>0</p>`);
    expect(out).not.toContain('<script>');
    expect(new SafeHtml('<i>').toString()).toBe('<i>');
  });

  it('lays out a signed-in page with a skip link, labelled navigation, the CSRF token and module scripts only', () => {
    const page = layout({
      title: 'Verdicts <1>',
      csrf: 'tok"en',
      active: '/verdicts',
      scripts: ['live.js'],
      body: html`<h1>x</h1>`,
      renderedAt: 5,
    });

    expect(page).toContain('<a class="skip" href="#main">Skip to content</a>');
    expect(page).toContain('<nav aria-label="Main">');
    expect(page).toContain('<a href="/verdicts" aria-current="page">Verdicts</a>');
    expect(page).toContain('<meta name="csrf-token" content="tok&quot;en">');
    expect(page).toContain('<input type="hidden" name="_csrf" value="tok&quot;en">');
    expect(page).toContain('<script type="module" src="/assets/live.js"></script>');
    expect(page).toContain('<title>Verdicts &lt;1&gt; · Session Guard</title>');
    expect(page).toContain('<body data-rendered-at="5">');
    expect(page).toContain('role="status" aria-live="polite"');
  });

  it('renders a verdict row that links to the verdict and its device', () => {
    const row = verdictRow(
      verdict({
        ack: {
          outcome: 'executed',
          detail: null,
          via: 'websocket',
          cookiesCleared: 3,
          receivedAt: 1,
          timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
          latencyMs: 412,
        },
      }),
    ).value;

    expect(row).toContain('<a href="/verdicts/6f1c1b1e-0000-4000-8000-000000000001">2025-09-01 08:30:00 UTC</a>');
    expect(row).toContain('<a href="/devices/dev-0123456789abcdef"><code>dev-01234567…</code></a>');
    expect(row).toContain('<span class="badge ok">executed</span>');
    expect(row).toContain('412 ms');
  });
});

describe('charts', () => {
  it('draws an SVG bar chart with an accessible name, a tooltip per bar and a data table', () => {
    const svg = barChart({
      id: 'c',
      title: 'Verdicts per hour',
      description: 'desc',
      valueLabel: 'Verdicts',
      bars: [
        { label: '08', value: 2, detail: '08:00' },
        { label: '09', value: 0, detail: '09:00' },
        { label: '<x>', value: 5, detail: '<x>' },
      ],
    }).value;

    expect(svg).toContain('<svg viewBox="0 0 640 220" role="img" aria-labelledby="c-title c-desc"');
    expect(svg.match(/<rect /g)).toHaveLength(3);
    expect(svg).toContain('<title>08:00: 2</title>');
    expect(svg).toContain('Total: 7.');
    expect(svg).toContain('&lt;x&gt;');
    expect(svg).not.toContain('<x>');
    expect(svg).toContain('<td>09:00</td><td class="num">0</td>');
  });
});

describe('overview figures', () => {
  it('counts verdicts per hour over the last day, oldest first', () => {
    const now = Date.UTC(2025, 8, 1, 10, 30);

    const hours = hourlyCounts([now, now - 60_000, now - 3_600_000, now - 30 * 3_600_000], now, 24);

    expect(hours).toHaveLength(24);
    expect(hours[23]).toEqual({ start: Date.UTC(2025, 8, 1, 10), count: 2 });
    expect(hours[22]!.count).toBe(1);
    expect(hours.reduce((s, h) => s + h.count, 0)).toBe(3);
  });

  it('buckets latencies and gives the median and 95th percentile', () => {
    const latency = latencyDistribution([40, 90, 90, 300, 700, 700, 700, 800, 2000, 70_000]);

    expect(latency.count).toBe(10);
    expect(latency.p50).toBe(700);
    expect(latency.p95).toBe(70_000);
    expect(latency.buckets.find((b) => b.le === 100)!.count).toBe(2);
    expect(latency.buckets.at(-1)).toEqual({ le: null, count: 1 });
  });
});

describe('admin API filters', () => {
  it('reads times as epoch ms, ISO with a zone, or a zone-less form time as UTC', () => {
    expect(TimeParam.parse('1756715400000')).toBe(1756715400000);
    expect(TimeParam.parse('2025-09-01T08:30')).toBe(Date.UTC(2025, 8, 1, 8, 30));
    expect(TimeParam.parse('2025-09-01T10:30+02:00')).toBe(Date.UTC(2025, 8, 1, 8, 30));
    expect(TimeParam.safeParse('yesterday').success).toBe(false);
  });

  it('refuses filter values that could carry SQL wildcards or quotes', () => {
    expect(VerdictFilter.safeParse({ user: 'U1%' }).success).toBe(false);
    expect(VerdictFilter.safeParse({ device: "x'--" }).success).toBe(false);
    expect(VerdictFilter.parse({ device: 'abc_DEF-1', limit: '5' })).toEqual({ device: 'abc_DEF-1', limit: 5 });
  });
});
