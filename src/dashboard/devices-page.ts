/**
 * Devices and sessions: each enrolled browser with when it last reported, its extension
 * version, user agent, fingerprint summary and egress address, and a button to revoke it;
 * one device opens to the Slack sessions it reported and its verdicts.
 */
import type { DeviceView, FingerprintSummary, SessionView, VerdictView } from '../shared/protocol/admin';
import { csrfField, formatDuration, formatTime, html, layout, shortId, type SafeHtml } from './html';
import { verdictTable } from './tables';
import { approvalBadge, approvalForms, rotateTokenForm } from './device-approval';

export function fingerprintText(f: FingerprintSummary | null): string {
  if (!f) return '—';
  return [f.browser, f.platform, f.architecture, f.timezone, f.languages.join(' '), f.screen, f.gpu]
    .filter(Boolean)
    .join(' · ');
}

function status(d: DeviceView): SafeHtml {
  const approval = approvalBadge(d);
  if (approval) return approval;
  if (!d.revokedAt) return html`<span class="badge ok">active</span>`;
  const rotated = d.revokedBy?.startsWith('rotated:');
  return html`<span class="badge bad">${rotated ? 'key rotated' : 'revoked'}</span>`;
}

function revokeForm(d: DeviceView, csrf: string): SafeHtml {
  if (d.revokedAt) return html``;
  return html`<form class="inline" method="post" action="/devices/${encodeURIComponent(d.id)}/revoke" data-confirm="Revoke device ${shortId(d.id)}? Its key will be refused from now on.">
${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke device ${d.id}">Revoke</button></form>`;
}

/** The Slack user and whether Slack vouched for it (issue #10). */
function identity(d: DeviceView): SafeHtml {
  if (!d.userId && !d.verifiedUserId) return html`—`;
  if (!d.userId) return html`${d.verifiedUserId} <span class="badge ok">verified</span>`;
  if (d.identity === 'verified')
    return html`${d.userId} <span class="badge ok" title="Slack vouched for this user (Sign in with Slack)">verified</span>`;
  return html`${d.userId} <span class="badge warn" title="Only the device says so; it reaches nothing beyond this device">claimed</span>`;
}

function identityNotice(configured: boolean | undefined): SafeHtml {
  if (configured !== false) return html``;
  return html`<p class="notice bad" role="note" id="identity-not-configured">Sign in with Slack is not configured: every Slack user here is only <strong>claimed</strong> by its device, and nothing a device claims reaches beyond that device (no server-side revocation, per-user baselines or footprints). Start the backend with <code>--slack-client-id</code> (docs/identity.md).</p>`;
}

function seen(now: number, at: number): string {
  return `${formatDuration(Math.max(0, now - at))} ago`;
}

export interface DevicesPage {
  devices: readonly DeviceView[];
  csrf: string;
  now: number;
  notice?: string;
  /** Whether Sign in with Slack is configured (false shows why every identity is only claimed). */
  identityConfigured?: boolean;
}

export function devicesPage({ devices, csrf, now, notice, identityConfigured }: DevicesPage): string {
  const rows = devices.map(
    (d) => html`<tr data-device-id="${d.id}">
<td><a href="/devices/${encodeURIComponent(d.id)}"><code>${shortId(d.id)}</code></a></td>
<td>${identity(d)}</td>
<td>${d.extensionVersion}</td>
<td class="wrap">${d.userAgent ?? '—'}</td>
<td>${fingerprintText(d.fingerprint)}</td>
<td>${d.lastIp ?? '—'}</td>
<td><span title="${formatTime(d.lastSeenAt)}">${seen(now, d.lastSeenAt)}</span></td>
<td>${status(d)}</td>
<td>${approvalForms(d, csrf)} ${revokeForm(d, csrf)}</td>
</tr>`,
  );
  const table =
    devices.length === 0
      ? html`<p class="empty">No device has enrolled yet. Deploy the managed policy (<code>session-guard policy export</code>).</p>`
      : html`<table id="devices"><caption class="visually-hidden">Enrolled devices</caption>
<thead><tr><th scope="col">Device</th><th scope="col">User</th><th scope="col">Extension</th><th scope="col">User agent</th><th scope="col">Fingerprint</th><th scope="col">Egress address</th><th scope="col">Last seen</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${rows}</tbody></table>`;
  return layout({
    title: 'Devices',
    csrf,
    active: '/devices',
    scripts: ['confirm.js'],
    body: html`<h1>Devices and sessions</h1>
${notice ? html`<p class="notice" role="status">${notice}</p>` : ''}
${identityNotice(identityConfigured)}
<p class="muted">${devices.filter((d) => !d.revokedAt).length} active, ${devices.filter((d) => d.revokedAt).length} revoked, ${devices.filter((d) => !d.revokedAt && d.approval === 'pending').length} waiting for approval. ${rotateTokenForm(csrf)}</p>
${table}`,
  });
}

export interface DevicePage {
  device: DeviceView;
  sessions: readonly SessionView[];
  verdicts: readonly VerdictView[];
  csrf: string;
  now: number;
}

export function devicePage({ device: d, sessions, verdicts, csrf, now }: DevicePage): string {
  const f = d.fingerprint;
  const sessionRows = sessions.map(
    (s) =>
      html`<tr><td><code>${s.sessionKey.slice(0, 16)}…</code></td><td>${formatTime(s.firstAt)}</td><td>${formatTime(s.lastAt)}</td><td class="num">${s.signals}</td></tr>`,
  );
  return layout({
    title: `Device ${shortId(d.id)}`,
    csrf,
    active: '/devices',
    scripts: ['confirm.js'],
    body: html`<p><a href="/devices">← Devices</a></p>
<h1>Device <code>${shortId(d.id)}</code> ${status(d)}</h1>
<dl class="facts" id="device-facts">
<dt>Device id</dt><dd><code class="wrap">${d.id}</code></dd>
<dt>Slack user</dt><dd>${identity(d)}</dd>
${d.verifiedUserId ? html`<dt>Verified by Slack</dt><dd>${d.verifiedUserId} (${d.verifiedTeamId ?? '—'}${d.verifiedEmail ? html`, ${d.verifiedEmail}` : ''}) at ${formatTime(d.verifiedAt ?? 0)}</dd>` : ''}
<dt>Extension version</dt><dd>${d.extensionVersion}</dd>
<dt>User agent</dt><dd>${d.userAgent ?? '—'}</dd>
<dt>Egress address</dt><dd>${d.lastIp ?? '—'}</dd>
<dt>Enrolled</dt><dd>${formatTime(d.enrolledAt)}</dd>
<dt>Last seen</dt><dd>${formatTime(d.lastSeenAt)} (${seen(now, d.lastSeenAt)})</dd>
<dt>Signals</dt><dd>${d.signalCount}</dd>
${d.revokedAt ? html`<dt>Revoked</dt><dd>${formatTime(d.revokedAt)} by ${d.revokedBy ?? '—'}</dd>` : ''}
</dl>
<div class="actions">${revokeForm(d, csrf)}</div>
<h2>Fingerprint</h2>
${
  f
    ? html`<dl class="facts" id="fingerprint"><dt>Reported</dt><dd>${formatTime(f.at)}</dd><dt>Browser</dt><dd>${f.browser ?? '—'}</dd>
<dt>Platform</dt><dd>${f.platform}</dd><dt>Architecture</dt><dd>${f.architecture ?? '—'}</dd><dt>Time zone</dt><dd>${f.timezone}</dd>
<dt>Languages</dt><dd>${f.languages.join(', ')}</dd><dt>Screen</dt><dd>${f.screen ?? '—'}</dd><dt>GPU</dt><dd>${f.gpu ?? '—'}</dd></dl>`
    : html`<p class="empty">No fingerprint reported yet.</p>`
}
<h2>Slack sessions</h2>
${
  sessions.length
    ? html`<table id="sessions"><caption class="visually-hidden">Slack sessions seen on this device</caption><thead><tr><th scope="col">Session (keyed hash)</th><th scope="col">First seen</th><th scope="col">Last seen</th><th scope="col" class="num">Signals</th></tr></thead><tbody>${sessionRows}</tbody></table>`
    : html`<p class="empty">No Slack session reported yet.</p>`
}
<h2>Verdicts</h2>
${verdictTable(verdicts, { id: 'device-verdicts', caption: 'Verdicts for this device', empty: 'No verdict for this device.' })}`,
  });
}
