/**
 * The popup's view of protection status, in plain words. Built with DOM nodes and
 * textContent only: nothing from storage is ever parsed as HTML.
 */
import { REASON_TEXT, ReasonCode } from '@/src/shared/protocol';
import type { ProtectionStatus } from './status';

export function describe(status: ProtectionStatus | null): { level: 'ok' | 'warn' | 'bad'; headline: string } {
  if (!status || status.policy === 'missing')
    return { level: 'bad', headline: 'Not configured: your organisation has not set a Session Guard policy for this browser, so nothing is protected or reported.' };
  if (status.policy === 'invalid')
    return { level: 'bad', headline: `Not configured: the Session Guard policy is invalid (${status.problems.join('; ')}).` };
  if (!status.enrolled) return { level: 'warn', headline: 'Starting: this browser is not yet enrolled with your security team’s backend.' };
  if (!status.connected) return { level: 'warn', headline: 'Protected, but the backend is not reachable right now; signals are kept and sent later.' };
  return { level: 'ok', headline: 'Protected: your Slack session is watched and can be ended if it is stolen.' };
}

function ago(at: number | null, now: number): string {
  if (at === null) return 'never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(at).toLocaleString();
}

export function renderStatus(doc: Document, status: ProtectionStatus | null, now: number): DocumentFragment {
  const fragment = doc.createDocumentFragment();
  const el = (tag: string, text?: string, className?: string) => {
    const node = doc.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (className) node.className = className;
    return node;
  };
  fragment.append(el('h1', 'Session Guard'));
  const { level, headline } = describe(status);
  const state = el('p', headline, `state ${level}`);
  state.setAttribute('role', 'status');
  fragment.append(state);
  if (!status) return fragment;

  const rows: [string, string][] = [
    ['Policy', status.policy === 'ok' ? 'managed by your organisation' : status.policy],
    ['Backend', status.backendUrl ? `${status.backendUrl} (${status.connected ? 'connected' : 'not connected'})` : 'none'],
    ['Last report', ago(status.lastReportAt, now)],
    ['Pending signals', String(status.pendingSignals)],
  ];
  if (status.lastVerdict) {
    const reasons = status.lastVerdict.reasons
      .map((r) => (ReasonCode.safeParse(r).success ? REASON_TEXT[r as ReasonCode] : r))
      .join('; ');
    rows.push(['Last session ended', `${ago(status.lastVerdict.at, now)}: ${reasons}`]);
  }
  if (status.lastError) rows.push(['Problem', status.lastError]);
  const list = el('dl');
  for (const [term, value] of rows) list.append(el('dt', term), el('dd', value));
  fragment.append(list);
  return fragment;
}
