/**
 * Overview: what a security team opens every morning. The policy in force, devices
 * reporting now versus enrolled, the Tor exit list's age, verdicts per hour over the last
 * day, the detection-to-response latency distribution, the latest verdicts (live), and
 * signal batches whose detection failed for good (issue #17).
 */
import type { OverviewView, VerdictView } from '../shared/protocol/admin';
import { barChart } from './charts';
import { actorLabel, formatDuration, formatTime, html, layout } from './html';
import { autoRevocationNotice, type AutoNotice } from './server-side-modes';
import { slackFeedCard, type FeedCard } from './slack-feed-card';
import { verdictTable } from './tables';

export interface OverviewPage {
  overview: OverviewView;
  recent: readonly VerdictView[];
  csrf: string;
  now: number;
  /** Stored policy is not `auto` and nobody dismissed the notice yet (issue #12). */
  autoNotice?: AutoNotice | null;
  /** Which Slack feed watches for off-device use, when the Slack integration runs. */
  slackFeed?: FeedCard | null;
}

const hourLabel = (ms: number) => new Date(ms).toISOString().slice(11, 13);
const bucketLabel = (le: number | null, prev: number) =>
  le === null ? `> ${formatDuration(prev)}` : `≤ ${formatDuration(le)}`;

/** The asn detector's IP-to-ASN data set (issue #14): off, or its age, ranges and source. */
function asnCard(asn: NonNullable<OverviewView['asnData']>) {
  if (!asn.configured) {
    return html`<div class="card"><h2>IP-to-ASN data</h2><p class="figure">off</p><p class="muted">Start serve with --asn-data FILE|URL for the asn detector's cloud and new-network checks</p></div>`;
  }
  const state = asn.stale
    ? html`<span class="badge bad">${asn.status}</span>`
    : html`<span class="badge ok">fresh</span>`;
  return html`<div class="card"><h2>IP-to-ASN data</h2><p class="figure">${asn.ageMs === null ? 'missing' : `${formatDuration(asn.ageMs)} old`}</p>
<p>${state} ${asn.entries} ranges, ${asn.asns} AS numbers</p><p class="muted wrap">${asn.source ?? ''}${asn.error ? ` — ${asn.error}` : ''}</p></div>`;
}

function torCard(tor: OverviewView['torList']) {
  if (!tor.configured) {
    return html`<div class="card"><h2>Tor exit list</h2><p class="figure">not configured</p><p class="muted">Turned off (--tor-exit-list none); by default serve fetches the Tor Project's list</p></div>`;
  }
  const state = tor.stale ? html`<span class="badge bad">stale</span>` : html`<span class="badge ok">fresh</span>`;
  return html`<div class="card"><h2>Tor exit list</h2><p class="figure">${tor.ageMs === null ? 'missing' : `${formatDuration(tor.ageMs)} old`}</p>
<p>${state} ${tor.entries ?? 0} addresses</p><p class="muted wrap">${tor.source ?? ''}</p></div>`;
}

function detectionCard({ failed, pending }: OverviewView['detectionJobs']) {
  const badge =
    failed > 0 ? html`<span class="badge bad">failed</span>` : html`<span class="badge ok">none failed</span>`;
  return html`<div class="card"><h2>Detection failed</h2><p class="figure" id="detection-failed">${failed}</p>
<p>${badge} signal batches stored but never run through detection; ${pending} waiting to retry</p><p class="muted">npx session-guard jobs list --kind detection.batch</p></div>`;
}

export function overviewPage({ overview, recent, csrf, now, autoNotice, slackFeed }: OverviewPage): string {
  const { devices, policy, latency } = overview;
  const mode =
    policy.mode === 'monitor'
      ? html`<span class="badge warn">monitor</span>`
      : html`<span class="badge ok">enforce</span>`;
  const verdictsToday = overview.verdictsByHour.reduce((sum, h) => sum + h.count, 0);
  const hours = barChart({
    id: 'chart-verdicts',
    title: 'Verdicts per hour, last 24 hours (UTC)',
    description: 'Number of session-ending verdicts issued in each hour of the last day.',
    bars: overview.verdictsByHour.map((h) => ({
      label: hourLabel(h.start),
      value: h.count,
      detail: `${formatTime(h.start)} hour`,
    })),
    valueLabel: 'Verdicts',
    labelEvery: 3,
  });
  let prev = 0;
  const latencyChart = barChart({
    id: 'chart-latency',
    title: 'Detection-to-response latency, last 7 days',
    description: 'Acknowledged verdicts by time from detection to the session being ended on the device.',
    bars: latency.buckets.map((b) => {
      const label = bucketLabel(b.le, prev);
      prev = b.le ?? prev;
      return { label, value: b.count, detail: label };
    }),
    valueLabel: 'Verdicts',
    fill: '#1264a3',
  });
  return layout({
    title: 'Overview',
    csrf,
    active: '/',
    renderedAt: now,
    scripts: ['live.js'],
    body: html`<h1>Overview</h1>
${autoRevocationNotice(autoNotice, csrf)}
<div class="cards">
<div class="card"><h2>Policy</h2><p class="figure">${mode}</p><p>version ${policy.version}, by ${actorLabel(policy.createdBy)}</p><p class="muted">${formatTime(policy.createdAt)}</p></div>
<div class="card"><h2>Devices reporting now</h2><p class="figure" id="devices-reporting">${devices.reporting} / ${devices.enrolled}</p><p>reported in the last 5 min / enrolled</p><p class="muted">live verdict streams on this server: ${devices.liveStreams}; revoked: ${devices.revoked}</p></div>
<div class="card"><h2>Verdicts, last 24 h</h2><p class="figure">${verdictsToday}</p><p><a href="/verdicts">All verdicts</a></p></div>
<div class="card"><h2>Detection to response</h2><p class="figure">${latency.p50 === null ? '—' : `${formatDuration(latency.p50)}`}</p><p>median; p95 ${formatDuration(latency.p95)} (${latency.count} acks, 7 days)</p></div>
<div class="card"><h2>Slack sign-out unconfirmed</h2><p class="figure" id="signout-unconfirmed">${overview.slackSignoutUnconfirmed}</p><p>executed verdicts, 7 days, whose session Slack was not seen to refuse</p></div>
${detectionCard(overview.detectionJobs)}
${torCard(overview.torList)}
${overview.asnData ? asnCard(overview.asnData) : ''}
${slackFeedCard(slackFeed)}
</div>
<div class="chart-grid">
${hours}
${latencyChart}
</div>
<h2 id="recent-heading">Latest verdicts <span class="muted">(live)</span></h2>
${verdictTable(recent, { id: 'verdicts', caption: 'Latest verdicts', live: true })}`,
  });
}
