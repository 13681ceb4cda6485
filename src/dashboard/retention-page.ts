/**
 * The bounded store (issue #16): how long each kind of record is kept, whether the org
 * policy set it or the default applies, the shortest it may be and why, what is never
 * pruned, and how many rows each table holds now. Read-only: retention is changed in the
 * policy's `retention` section (the policy page), which refuses a too-short setting.
 */
import type { RetentionKindView } from '../shared/policy/retention';
import { html, layout, SafeHtml } from './html';

export interface RetentionPage {
  kinds: readonly RetentionKindView[];
  csrf: string;
}

const count = (n: number) => n.toLocaleString('en-US');

function row(k: RetentionKindView): SafeHtml {
  const kept = k.fixed
    ? html`${k.fixed}`
    : html`${k.days} days ${k.configured ? html`<span class="badge">policy</span>` : html`<span class="muted">(default)</span>`}`;
  const floor =
    k.floorDays === null ? html`-` : html`${k.floorDays} days <span class="muted">(${k.floorReason})</span>`;
  const tables = k.tables.map((t) => html`<code>${t.table}</code> ${count(t.rows)}`);
  return html`<tr data-kind="${k.kind}"><th scope="row">${k.fixed ? k.kind : html`<code>retention.${k.kind}Days</code>`}</th>
<td>${kept}</td><td>${floor}</td><td>${k.keeps}</td><td>${tables.map((t, i) => html`${i ? html`<br>` : ''}${t}`)}</td></tr>`;
}

export function retentionPage(page: RetentionPage): string {
  return layout({
    title: 'Retention',
    csrf: page.csrf,
    active: '/settings',
    body: html`<h1>Retention</h1>
<p class="muted">A background job on every replica deletes records past their retention every 15 minutes, in small chunks (docs/scaling.md). Set a kind in the org policy's <code>retention</code> section on the <a href="/policy">policy page</a>; a setting shorter than its floor is refused.</p>
<table id="retention"><caption class="visually-hidden">Retention by kind</caption>
<thead><tr><th scope="col">Kind</th><th scope="col">Kept</th><th scope="col">Shortest allowed</th><th scope="col">Never pruned</th><th scope="col">Rows now</th></tr></thead>
<tbody>${page.kinds.map(row)}</tbody></table>`,
  });
}
