/**
 * One verdict, opened: why (finding, detector, evidence), the signals that led to it, the
 * policy version it was decided under, the device, and what the device did (the ack with
 * its timings). Every value from a device or a detector is rendered as text.
 */
import type { SignalView, VerdictDetail } from '../shared/protocol/admin';
import { fingerprintText } from './devices-page';
import { formatDuration, formatTime, html, layout, type SafeHtml } from './html';
import { ackBadge } from './tables';
import { answerBadge, answerSection } from './answer-views';

const attackUrl = (id: string) => `https://attack.mitre.org/techniques/${id.replace('.', '/')}/`;

function value(v: unknown): SafeHtml {
  if (v === null || v === undefined) return html`—`;
  if (typeof v === 'object') return html`<pre>${JSON.stringify(v, null, 2)}</pre>`;
  return html`${String(v)}`;
}

function evidenceList(evidence: unknown): SafeHtml {
  if (!evidence || typeof evidence !== 'object' || Array.isArray(evidence)) return value(evidence);
  const entries = Object.entries(evidence as Record<string, unknown>);
  if (entries.length === 0) return html`<p class="empty">No evidence recorded.</p>`;
  return html`<dl class="facts" id="evidence">${entries.map(([k, v]) => html`<dt>${k}</dt><dd>${value(v)}</dd>`)}</dl>`;
}

function signalDetails(s: SignalView): string {
  const data = (s.data ?? {}) as Record<string, unknown>;
  const { id: _id, type: _type, at: _at, sessionKey: _sk, ...rest } = data;
  const text = JSON.stringify(rest);
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

function signalTable(signals: readonly SignalView[], triggerId: string | undefined): SafeHtml {
  if (signals.length === 0) return html`<p class="empty">No stored signals for this verdict.</p>`;
  return html`<table id="signals"><caption class="visually-hidden">Signals that led to the verdict</caption>
<thead><tr><th scope="col">Device time</th><th scope="col">Received</th><th scope="col">Type</th><th scope="col">Details</th><th scope="col">Source address</th></tr></thead>
<tbody>${signals.map(
    (
      s,
    ) => html`<tr><td>${formatTime(s.at)}${s.id === triggerId ? html` <span class="badge bad">trigger</span>` : ''}</td>
<td>${formatTime(s.receivedAt)}</td><td><code>${s.type}</code></td><td><code class="wrap">${signalDetails(s)}</code></td><td>${s.sourceIp ?? '—'}</td></tr>`,
  )}</tbody></table>`;
}

function ackSection(d: VerdictDetail): SafeHtml {
  const ack = d.verdict.ack;
  if (!ack) return html`<p id="ack">Not acknowledged yet: the device has not reported executing it.</p>`;
  const t = ack.timings;
  const steps = [
    ['Received by the extension', t.receivedAt],
    ['Signature verified', t.verifiedAt],
    ['Slack cookies and site data cleared', t.clearedAt],
    ['Acknowledgement sent', t.ackSentAt],
  ] as const;
  return html`<dl class="facts" id="ack">
<dt>Outcome</dt><dd>${ackBadge(d.verdict)}${ack.detail ? html` ${ack.detail}` : ''}</dd>
<dt>Delivered via</dt><dd>${ack.via}</dd>
<dt>Cookies cleared</dt><dd>${ack.cookiesCleared}</dd>
<dt>Signed out at Slack</dt><dd id="slack-signout">${ack.slackSignout ? html`${ack.slackSignout.status}${ack.slackSignout.detail ? html` (${ack.slackSignout.detail})` : ''}` : 'not reported (extension older than issue #12)'}</dd>
<dt>Ack received (server)</dt><dd>${formatTime(ack.receivedAt)}</dd>
<dt>Detection-to-response latency</dt><dd>${formatDuration(ack.latencyMs)}</dd>
</dl>
<table id="ack-timings"><caption>Timings on the device (device clock; offsets from receipt)</caption>
<thead><tr><th scope="col">Step</th><th scope="col">Device time</th><th scope="col" class="num">After receipt</th></tr></thead>
<tbody>${steps.map(([label, at]) => html`<tr><td>${label}</td><td>${formatTime(at)}</td><td class="num">${formatDuration(at - t.receivedAt)}</td></tr>`)}</tbody></table>`;
}

export function verdictDetailPage(d: VerdictDetail, csrf: string): string {
  const v = d.verdict;
  const f = d.finding;
  const detector = d.detector
    ? html`<dl class="facts" id="detector">
<dt>Detector</dt><dd>${d.detector.title}</dd>
<dt>Severity</dt><dd>${d.detector.severity}</dd>
<dt>ATT&amp;CK</dt><dd>${d.detector.attack.map((a, i) => html`${i ? ', ' : ''}<a href="${attackUrl(a)}" rel="noreferrer">${a}</a>`)}</dd>
<dt>Runbook</dt><dd>${d.detector.runbook}</dd></dl>`
    : '';
  const policy = d.policy
    ? html`<dl class="facts" id="policy-version"><dt>Version</dt><dd><a href="/policy/versions/${d.policy.version}">Policy version ${d.policy.version}</a></dd>
<dt>Mode</dt><dd>${String(d.policy.policy.mode ?? '')}</dd>
<dt>Saved</dt><dd>${formatTime(d.policy.createdAt)} by ${d.policy.createdBy}</dd>
<dt>Changed fields</dt><dd>${d.policy.changes.length ? d.policy.changes.join(', ') : '—'}</dd></dl>`
    : html`<p>Policy version ${v.policyVersion} (no longer stored).</p>`;
  const device = d.device
    ? html`<dl class="facts" id="device"><dt>Device</dt><dd><a href="/devices/${encodeURIComponent(d.device.id)}"><code>${d.device.id}</code></a>${d.device.revokedAt ? html` <span class="badge bad">revoked</span>` : ''}</dd>
<dt>User agent</dt><dd>${d.device.userAgent ?? '—'}</dd>
<dt>Extension</dt><dd>${d.device.extensionVersion}</dd>
<dt>Fingerprint</dt><dd>${fingerprintText(d.device.fingerprint)}</dd>
<dt>Egress address</dt><dd>${d.device.lastIp ?? '—'}</dd></dl>`
    : html`<p>Device <code>${v.deviceId}</code> is no longer enrolled.</p>`;
  return layout({
    title: `Verdict ${v.reasons.join(', ')}`,
    csrf,
    active: '/verdicts',
    body: html`<p><a href="/verdicts">← Verdicts</a></p>
<h1>Verdict: ${v.reasons.join(', ')}</h1>
<dl class="facts" id="summary">
<dt>Verdict id</dt><dd><code>${v.id}</code></dd>
<dt>Action</dt><dd>${v.action} the Slack session</dd>
<dt>Issued</dt><dd>${formatTime(v.issuedAt)} (expires ${formatTime(v.expiresAt)})</dd>
<dt>Detected</dt><dd>${formatTime(v.detectedAt)}</dd>
<dt>User</dt><dd>${v.userId ?? '—'}</dd>
<dt>Session</dt><dd><code class="wrap">${v.sessionKey ?? '—'}</code></dd>
<dt>Policy version</dt><dd>v${v.policyVersion}</dd>
<dt>Acknowledgement</dt><dd>${ackBadge(v)}</dd>
<dt>User’s answer</dt><dd>${answerBadge(v.answer)}</dd>
</dl>
<h2>Why</h2>
${f ? html`<p id="finding-summary">${f.summary}</p>` : html`<p>The finding is no longer stored.</p>`}
${detector}
<h2>Evidence</h2>
${f ? evidenceList(f.evidence) : ''}
<h2>Signals that led to it</h2>
${signalTable(d.signals, f?.signalId)}
<h2>Policy version</h2>
${policy}
<h2>Acknowledgement</h2>
${ackSection(d)}
<h2>Was it the user?</h2>
${answerSection(v.answer)}
<h2>Device</h2>
${device}
<h2>Signed verdict</h2>
<p class="muted">Exactly as sent; the extension verifies this signature with the pinned public key.</p>
<pre id="signed-payload">${d.signed.payload}</pre>
<p><code class="wrap">${d.signed.signature}</code></p>`,
  });
}
