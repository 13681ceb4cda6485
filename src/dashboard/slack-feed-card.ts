/**
 * The overview's card saying which Slack feed watches for off-device use (issue #12): the
 * Audit Logs API, `team.accessLogs`, or nothing, and why, in the status's own sentence.
 */
import { html, type SafeHtml } from './html';

export interface FeedCard {
  source: 'audit_logs' | 'access_logs' | 'none';
  why: string;
  lastError: string | null;
}

const LABEL = { audit_logs: 'Audit Logs API', access_logs: 'team.accessLogs', none: 'not watched' } as const;

export function slackFeedCard(feed: FeedCard | null | undefined): SafeHtml | string {
  if (!feed) return '';
  return html`<div class="card" id="slack-feed"><h2>Off-device use (Slack)</h2><p class="figure">${LABEL[feed.source]}</p>
<p class="muted">${feed.why}</p>${feed.lastError ? html`<p><span class="badge bad">last error</span> ${feed.lastError}</p>` : ''}</div>`;
}
