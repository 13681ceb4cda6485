/**
 * The devices page's enrollment controls (issue #10): a pending device's Approve and
 * Reject buttons and its badge, and the button that rotates the enrollment token. Plain
 * forms with the page's CSRF token, posted to dashboard-enrollment.ts.
 */
import type { DeviceView } from '../shared/protocol/admin';
import { csrfField, html, shortId, type SafeHtml } from './html';

/** The badge for a device an admin has not approved; null for an approved one. */
export function approvalBadge(d: DeviceView): SafeHtml | null {
  if (d.revokedAt) return null;
  if (d.approval === 'pending') return html`<span class="badge warn">pending approval</span>`;
  if (d.approval === 'rejected') return html`<span class="badge bad">rejected</span>`;
  return null;
}

export function approvalForms(d: DeviceView, csrf: string): SafeHtml {
  if (d.revokedAt || d.approval === 'approved') return html``;
  const id = encodeURIComponent(d.id);
  const approve = html`<form class="inline" method="post" action="/devices/${id}/approve">
${csrfField(csrf)}<button type="submit" aria-label="Approve device ${d.id}">Approve</button></form>`;
  if (d.approval === 'rejected') return approve;
  return html`${approve} <form class="inline" method="post" action="/devices/${id}/reject" data-confirm="Reject device ${shortId(d.id)}? It will be refused.">
${csrfField(csrf)}<button type="submit" class="danger" aria-label="Reject device ${d.id}">Reject</button></form>`;
}

export function rotateTokenForm(csrf: string): SafeHtml {
  return html`<form class="inline" method="post" action="/enrollment/rotate" data-confirm="Issue a new enrollment token? The current one keeps working for 24 hours; deploy the new managed policy before then.">
${csrfField(csrf)}<button type="submit">Rotate enrollment token</button></form>`;
}
