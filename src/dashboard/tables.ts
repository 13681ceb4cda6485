/**
 * The verdict and finding tables several pages share. A verdict row's cells match what
 * /assets/live.js builds for a verdict that arrives over the live feed, so a live row and
 * a rendered one look the same.
 */
import type { FindingView, VerdictView } from '../shared/protocol/admin';
import { formatDuration, formatTime, html, shortId, type SafeHtml } from './html';

export function ackBadge(v: VerdictView): SafeHtml {
  if (!v.ack) return html`<span class="badge warn">pending</span>`;
  const cls = v.ack.outcome === 'rejected' ? 'bad' : 'ok';
  return html`<span class="badge ${cls}">${v.ack.outcome}</span>${signoutBadge(v)}`;
}

/** Issue #12: whether Slack itself refused the session afterwards (nothing from older extensions). */
export function signoutBadge(v: VerdictView): SafeHtml | string {
  const s = v.ack?.slackSignout;
  if (!s) return '';
  const cls = s.status === 'confirmed' ? 'ok' : s.status === 'failed' ? 'bad' : 'warn';
  return html` <span class="badge ${cls}" data-slack-signout="${s.status}" title="${s.detail ?? ''}">Slack sign-out ${s.status}</span>`;
}

export function verdictRow(v: VerdictView): SafeHtml {
  return html`<tr data-verdict-id="${v.id}">
<td><a href="/verdicts/${encodeURIComponent(v.id)}">${formatTime(v.issuedAt)}</a></td>
<td>${v.reasons.map((r, i) => html`${i ? ', ' : ''}<code>${r}</code>`)}</td>
<td>${v.userId ?? '—'}</td>
<td><a href="/devices/${encodeURIComponent(v.deviceId)}"><code>${shortId(v.deviceId)}</code></a></td>
<td class="num">v${v.policyVersion}</td>
<td>${ackBadge(v)}</td>
<td class="num">${formatDuration(v.ack?.latencyMs)}</td>
</tr>`;
}

export interface TableOptions {
  id: string;
  caption: string;
  /** Rows arriving over the live feed are added to this table. */
  live?: boolean;
  empty?: string;
}

export function verdictTable(verdicts: readonly VerdictView[], options: TableOptions): SafeHtml {
  const empty =
    verdicts.length === 0
      ? html`<p class="empty" data-empty-for="${options.id}">${options.empty ?? 'No verdicts yet.'}</p>`
      : '';
  return html`${empty}<table id="${options.id}"${options.live ? html` data-live="verdicts"` : ''}>
<caption class="visually-hidden">${options.caption}</caption>
<thead><tr><th scope="col">Issued</th><th scope="col">Reasons</th><th scope="col">User</th><th scope="col">Device</th><th scope="col" class="num">Policy</th><th scope="col">Ack</th><th scope="col" class="num">Detection-to-response latency</th></tr></thead>
<tbody>
${verdicts.map(verdictRow)}
</tbody>
</table>`;
}

export function findingTable(findings: readonly FindingView[], options: TableOptions): SafeHtml {
  if (findings.length === 0 && !options.live) return html`<p class="empty">${options.empty ?? 'No findings yet.'}</p>`;
  const rows = findings.map(
    (f) => html`<tr data-finding-id="${f.id}">
<td>${formatTime(f.detectedAt)}</td>
<td><code>${f.reason}</code></td>
<td>${f.severity}</td>
<td>${f.mode === 'monitor' ? html`<span class="badge warn">monitor</span>` : f.mode}</td>
<td>${f.outcome}</td>
<td><a href="/devices/${encodeURIComponent(f.deviceId)}"><code>${shortId(f.deviceId)}</code></a></td>
<td class="num">v${f.policyVersion}</td>
<td>${f.summary}</td>
<td>${f.verdictId ? html`<a href="/verdicts/${encodeURIComponent(f.verdictId)}">open verdict</a>` : '—'}</td>
</tr>`,
  );
  return html`<table id="${options.id}"${options.live ? html` data-live="findings"` : ''}>
<caption class="visually-hidden">${options.caption}</caption>
<thead><tr><th scope="col">Detected</th><th scope="col">Reason</th><th scope="col">Severity</th><th scope="col">Mode</th><th scope="col">Outcome</th><th scope="col">Device</th><th scope="col" class="num">Policy</th><th scope="col">Summary</th><th scope="col">Verdict</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`;
}
