/** The audit log: every admin action, who did it, from where, and what changed. */
import { AUDIT_ACTIONS, type AuditEntryView } from '../shared/protocol/admin';
import { formatTime, html, layout, SafeHtml } from './html';

function details(d: Record<string, unknown>): string {
  const entries = Object.entries(d).filter(([, v]) => v !== undefined && v !== null && v !== '');
  return entries.map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('; ');
}

export function auditPage(entries: readonly AuditEntryView[], action: string | undefined, csrf: string): string {
  const options = AUDIT_ACTIONS.map(
    (a) => html`<option value="${a}"${a === action ? new SafeHtml(' selected') : ''}>${a}</option>`,
  );
  const rows = entries.map(
    (e) =>
      html`<tr><td>${formatTime(e.at)}</td><td>${e.actor}</td><td><code>${e.action}</code></td><td class="wrap">${e.target ?? '—'}</td><td>${e.ip ?? '—'}</td><td class="wrap">${details(e.details)}</td></tr>`,
  );
  return layout({
    title: 'Audit log',
    csrf,
    active: '/audit',
    body: html`<h1>Audit log</h1>
<form class="filters" method="get" action="/audit" role="search" aria-label="Filter the audit log">
<div><label for="action">Action</label><select id="action" name="action"><option value="">Any</option>${options}</select></div>
<div><button type="submit">Apply filter</button></div>
</form>
${
  entries.length === 0
    ? html`<p class="empty">No admin action recorded${action ? ' for this action' : ''}.</p>`
    : html`<table id="audit"><caption class="visually-hidden">Admin actions, newest first</caption>
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Target</th><th scope="col">From</th><th scope="col">Details</th></tr></thead>
<tbody>${rows}</tbody></table>`
}`,
  });
}
