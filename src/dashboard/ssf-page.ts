/**
 * Shared Signals (issue #12): the transmitter's issuer and discovery URL, the receivers
 * SETs are pushed to (URL, audience, the token's last four characters, how the last
 * delivery went), and forms to add and remove one. The bearer token is typed once and
 * never shown back.
 */
import type { SsfReceiverView } from '../shared/protocol/ssf';
import { csrfField, formatTime, html, layout, SafeHtml } from './html';

export interface SsfPage {
  issuer: string | null;
  receivers: readonly SsfReceiverView[];
  csrf: string;
  notice?: string;
  error?: string;
}

function receiverRows(receivers: readonly SsfReceiverView[], csrf: string): SafeHtml {
  if (receivers.length === 0)
    return html`<p class="empty">No receiver yet. Add one here or with <code>npx session-guard ssf add</code>.</p>`;
  return html`<table id="ssf-receivers"><caption class="visually-hidden">SSF receivers</caption>
<thead><tr><th scope="col">Push URL</th><th scope="col">Audience</th><th scope="col">Token</th><th scope="col">Added</th><th scope="col">Last delivery</th><th scope="col">Action</th></tr></thead>
<tbody>${receivers.map(
    (
      r,
    ) => html`<tr><td><code>${r.url}</code></td><td><code>${r.audience}</code></td><td><code>${r.tokenHint}</code></td><td>${formatTime(r.createdAt)}</td>
<td>${r.lastStatus ? html`<span class="badge ${r.lastStatus === 'delivered' ? 'ok' : 'bad'}">${r.lastStatus}</span> ${formatTime(r.lastAttemptAt)}${r.lastError ? html` — ${r.lastError}` : ''}` : '-'}</td>
<td><form class="inline" method="post" action="/settings/ssf/${encodeURIComponent(r.id)}/delete" data-confirm="Remove the receiver ${r.url}?">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Remove receiver ${r.url}">Remove</button></form></td></tr>`,
  )}</tbody></table>`;
}

export function ssfPage(page: SsfPage): string {
  const { csrf } = page;
  const configured = page.issuer
    ? html`<p>Issuer <code>${page.issuer}</code>; receivers discover it at <a href="/.well-known/ssf-configuration"><code>${page.issuer}/.well-known/ssf-configuration</code></a>.</p>`
    : html`<p class="notice bad" role="status">Not transmitting: start the backend with <code>--public-url https://…</code> (the issuer receivers see).</p>`;
  return layout({
    title: 'Shared Signals',
    csrf,
    active: '/settings',
    scripts: ['confirm.js'],
    body: html`<h1>Shared Signals</h1>
${page.notice ? html`<p class="notice" role="status">${page.notice}</p>` : ''}
${page.error ? html`<p class="notice bad" role="alert">${page.error}</p>` : ''}
<p class="muted">Each verdict about a user whose email Sign in with Slack verified is pushed as a CAEP <code>session-revoked</code>, each copied-cookie finding as a RISC <code>credential-compromise</code>: signed SETs (RFC 8417) over RFC 8935 push, so an IdP such as Okta Identity Threat Protection can end the user's IdP session too (docs/ssf.md).</p>
${configured}
${receiverRows(page.receivers, csrf)}
<form method="post" action="/settings/ssf" class="stack" aria-label="Add an SSF receiver">
${csrfField(csrf)}
<div><label for="ssf-url">Push URL</label><input id="ssf-url" name="url" type="url" required placeholder="https://example.okta.com/security/api/v1/security-events" size="60"></div>
<div><label for="ssf-token">Bearer token</label><input id="ssf-token" name="token" type="password" autocomplete="off" placeholder="if the receiver requires one"></div>
<div><label for="ssf-audience">Audience</label><input id="ssf-audience" name="audience" placeholder="default: the URL's origin" size="40"></div>
<button type="submit">Add receiver</button>
</form>`,
  });
}
