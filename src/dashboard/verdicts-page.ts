/**
 * The dashboard's main page: verdicts (reason, device, time, detection-to-response
 * latency, ack outcome) and recent findings, including monitor-mode ones.
 */
import { escapeHtml, layout } from './html';

export interface VerdictRowView {
  reasons: string[];
  deviceId: string;
  issuedAt: number;
  latencyMs: number | null;
  ackOutcome: string | null;
}

export interface FindingRowView {
  reason: string;
  deviceId: string;
  detectedAt: number;
  mode: string;
  outcome: string;
  policyVersion: number;
  summary: string;
}

const time = (ms: number) => new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');

function verdictTable(rows: VerdictRowView[]): string {
  if (rows.length === 0) return '<p class="empty">No verdicts yet.</p>';
  const body = rows
    .map(
      (v) => `<tr>
<td>${v.reasons.map((r) => `<code>${escapeHtml(r)}</code>`).join(', ')}</td>
<td><code>${escapeHtml(v.deviceId)}</code></td>
<td>${escapeHtml(time(v.issuedAt))}</td>
<td>${v.latencyMs === null ? '—' : `${escapeHtml(v.latencyMs)} ms`}</td>
<td>${escapeHtml(v.ackOutcome ?? 'pending')}</td>
</tr>`,
    )
    .join('\n');
  return `<table id="verdicts">
<thead><tr><th>Reason</th><th>Device</th><th>Time</th><th>Detection-to-response latency</th><th>Ack outcome</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

function findingTable(rows: FindingRowView[]): string {
  if (rows.length === 0) return '<p class="empty">No findings yet.</p>';
  const body = rows
    .map(
      (f) => `<tr>
<td><code>${escapeHtml(f.reason)}</code></td>
<td><code>${escapeHtml(f.deviceId)}</code></td>
<td>${escapeHtml(time(f.detectedAt))}</td>
<td>${escapeHtml(f.mode)} (v${escapeHtml(f.policyVersion)})</td>
<td>${escapeHtml(f.outcome)}</td>
<td>${escapeHtml(f.summary)}</td>
</tr>`,
    )
    .join('\n');
  return `<table id="findings">
<thead><tr><th>Reason</th><th>Device</th><th>Detected</th><th>Mode (policy)</th><th>Outcome</th><th>Summary</th></tr></thead>
<tbody>
${body}
</tbody>
</table>`;
}

export function verdictsPage(verdicts: VerdictRowView[], findings: FindingRowView[]): string {
  return layout({
    title: 'Verdicts',
    refreshSeconds: 10,
    body: `<header><h1>Session Guard</h1>
<form method="post" action="/logout"><button type="submit">Sign out</button></form></header>
<main>
<h2>Verdicts</h2>
${verdictTable(verdicts)}
<h2>Findings</h2>
${findingTable(findings)}
</main>`,
  });
}
