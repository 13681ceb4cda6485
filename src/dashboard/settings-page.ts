/**
 * Integrations: API tokens for SIEMs and scripts (create, list, revoke) and outgoing
 * webhooks signed per Standard Webhooks (add, test, delete, recent deliveries). A new
 * token or webhook secret is shown once, on the page that created it.
 */
import { WEBHOOK_EVENTS, type DeliveryView, type TokenView, type WebhookView } from '../shared/protocol/admin';
import { csrfField, formatTime, html, layout, SafeHtml } from './html';

export interface SettingsPage {
  tokens: readonly TokenView[];
  webhooks: readonly WebhookView[];
  deliveries: readonly DeliveryView[];
  csrf: string;
  /** Shown once: a token or webhook secret just created. */
  secret?: { label: string; value: string };
  notice?: string;
  error?: string;
}

function tokenRows(tokens: readonly TokenView[], csrf: string): SafeHtml {
  if (tokens.length === 0)
    return html`<p class="empty">No API token yet. Create one here or with <code>npx session-guard token create</code>.</p>`;
  return html`<table id="tokens"><caption class="visually-hidden">API tokens</caption>
<thead><tr><th scope="col">Label</th><th scope="col">Scope</th><th scope="col">Id</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col">Status</th><th scope="col">Action</th></tr></thead>
<tbody>${tokens.map(
    (
      t,
    ) => html`<tr><td>${t.label}</td><td>${t.scope === 'admin' ? 'admin' : 'read (read and export only)'}</td><td><code>${t.id.slice(0, 8)}</code></td><td>${formatTime(t.createdAt)}</td><td>${formatTime(t.lastUsedAt)}</td>
<td>${t.revokedAt ? html`<span class="badge bad">revoked ${formatTime(t.revokedAt)}</span>` : html`<span class="badge ok">active</span>`}</td>
<td>${t.revokedAt ? '' : html`<form class="inline" method="post" action="/settings/tokens/${encodeURIComponent(t.id)}/revoke" data-confirm="Revoke the token ${t.label}?">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Revoke token ${t.label}">Revoke</button></form>`}</td></tr>`,
  )}</tbody></table>`;
}

function webhookRows(webhooks: readonly WebhookView[], csrf: string): SafeHtml {
  if (webhooks.length === 0) return html`<p class="empty">No webhook yet.</p>`;
  return html`<table id="webhooks"><caption class="visually-hidden">Webhook endpoints</caption>
<thead><tr><th scope="col">URL</th><th scope="col">Description</th><th scope="col">Events</th><th scope="col">Secret</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
<tbody>${webhooks.map(
    (
      w,
    ) => html`<tr><td class="wrap">${w.url}</td><td>${w.description || '—'}</td><td>${w.events.join(', ')}</td><td><code>${w.secretHint}</code></td>
<td>${w.enabled ? html`<span class="badge ok">enabled</span>` : html`<span class="badge bad">disabled</span> ${w.disabledReason ?? ''}`}</td>
<td><form class="inline" method="post" action="/settings/webhooks/${encodeURIComponent(w.id)}/test">${csrfField(csrf)}<button type="submit" aria-label="Send a test event to ${w.url}">Send test</button></form>
<form class="inline" method="post" action="/settings/webhooks/${encodeURIComponent(w.id)}/delete" data-confirm="Delete the webhook to ${w.url}?">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Delete webhook ${w.url}">Delete</button></form></td></tr>`,
  )}</tbody></table>`;
}

function deliveryRows(deliveries: readonly DeliveryView[]): SafeHtml {
  if (deliveries.length === 0) return html`<p class="empty">Nothing sent yet.</p>`;
  return html`<table id="deliveries"><caption class="visually-hidden">Recent webhook deliveries</caption>
<thead><tr><th scope="col">Created</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col" class="num">Attempts</th><th scope="col">Last answer</th><th scope="col">Next attempt</th></tr></thead>
<tbody>${deliveries.map(
    (
      d,
    ) => html`<tr><td>${formatTime(d.createdAt)}</td><td><code>${d.eventType}</code> <code class="muted">${d.eventId}</code></td>
<td>${d.status === 'delivered' ? html`<span class="badge ok">delivered</span>` : d.status === 'failed' ? html`<span class="badge bad">failed</span>` : html`<span class="badge warn">retrying</span>`}</td>
<td class="num">${d.attempts}</td><td>${d.lastStatus ?? ''} ${d.lastError ?? ''}</td><td>${d.status === 'pending' ? formatTime(d.nextAttemptAt) : '—'}</td></tr>`,
  )}</tbody></table>`;
}

export function settingsPage(page: SettingsPage): string {
  const { csrf } = page;
  const events = WEBHOOK_EVENTS.map(
    (e, i) =>
      html`<div><input type="checkbox" id="webhook-event-${i}" name="events" value="${e}"${e === 'verdict.issued' ? new SafeHtml(' checked') : ''}> <label for="webhook-event-${i}" class="inline-label">${e}</label></div>`,
  );
  return layout({
    title: 'Integrations',
    csrf,
    active: '/settings',
    scripts: ['confirm.js'],
    body: html`<h1>Integrations</h1>
${page.notice ? html`<p class="notice" role="status">${page.notice}</p>` : ''}
${page.error ? html`<p class="notice bad" role="alert">${page.error}</p>` : ''}
${page.secret ? html`<div class="secret" role="status" id="new-secret"><p><strong>${page.secret.label}</strong> — copy it now; it is not shown again:</p><p><code id="new-secret-value">${page.secret.value}</code></p></div>` : ''}
<h2>API tokens</h2>
<p class="muted">For SIEMs and scripts: <code>Authorization: Bearer &lt;token&gt;</code> on <a href="/openapi.json">/api</a>.</p>
${tokenRows(page.tokens, csrf)}
<form method="post" action="/settings/tokens" class="stack" aria-label="Create an API token">
${csrfField(csrf)}
<div><label for="token-label">Token label</label><input id="token-label" name="label" required maxlength="64" placeholder="siem"></div>
<div><label for="token-scope">Scope</label><select id="token-scope" name="scope"><option value="admin">admin: may change anything</option><option value="read">read: read and export only (SIEM)</option></select></div>
<button type="submit">Create token</button>
</form>
<h2>Webhooks</h2>
<p class="muted">Each event is POSTed as JSON signed per <a href="https://www.standardwebhooks.com/" rel="noreferrer">Standard Webhooks</a> (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature: v1,…</code>), retried with backoff until a 2xx.</p>
${webhookRows(page.webhooks, csrf)}
<form method="post" action="/settings/webhooks" class="stack" aria-label="Add a webhook">
${csrfField(csrf)}
<div><label for="webhook-url">Endpoint URL</label><input id="webhook-url" name="url" type="url" required placeholder="https://siem.example.com/hooks/session-guard" size="60"></div>
<div><label for="webhook-description">Description</label><input id="webhook-description" name="description" maxlength="200"></div>
<fieldset><legend>Events</legend>${events}</fieldset>
<button type="submit">Add webhook</button>
</form>
<h2>Recent deliveries</h2>
${deliveryRows(page.deliveries)}
<p><a href="/settings/ssf">Shared Signals (SSF) receivers</a>: tell an IdP such as Okta when a session is ended or a cookie is stolen.</p>
<p><a href="/settings/retention">Retention</a>: how long each kind of record is kept, and how many rows each table holds.</p>`,
  });
}
