/**
 * Policy: the org policy as a form of cards (policy-form.ts, issue #14) and as JSON (the
 * advanced view, kept in step with the form by /assets/policy-form.js), validated as the
 * admin types against the zod schema (/assets/policy-editor.js calls POST
 * /api/policy/preview), a review step
 * that shows the diff before anything is saved (server-rendered, so it works without
 * script too), and the history of versions with who changed which fields.
 */
import type { DiffLine, PolicyPreview, PolicyVersionView } from '../shared/protocol/admin';
import { prettyJson } from '../shared/policy/policy-diff';
import { policyCards } from './policy-form';
import { serverSideModes } from './server-side-modes';
import { actorLabel, csrfField, formatTime, html, layout, type SafeHtml } from './html';

export function diffView(lines: readonly DiffLine[], id = 'policy-diff-review'): SafeHtml {
  const sign = { add: '+ ', remove: '- ', same: '  ' } as const;
  return html`<pre class="diff" id="${id}" aria-label="Changes, line by line">${lines.map(
    (l) =>
      html`<span class="${l.op}"><span class="visually-hidden">${l.op === 'same' ? '' : l.op === 'add' ? 'added: ' : 'removed: '}</span>${sign[l.op]}${l.text}</span>`,
  )}</pre>`;
}

function historyTable(history: readonly PolicyVersionView[]): SafeHtml {
  return html`<table id="policy-history"><caption class="visually-hidden">Policy versions, newest first</caption>
<thead><tr><th scope="col">Version</th><th scope="col">Saved</th><th scope="col">By</th><th scope="col">Mode</th><th scope="col">Changed fields</th></tr></thead>
<tbody>${history.map(
    (
      v,
    ) => html`<tr><td><a href="/policy/versions/${v.version}">v${v.version}</a></td><td>${formatTime(v.createdAt)}</td><td>${actorLabel(v.createdBy)}</td>
<td>${String(v.policy.mode ?? '')}</td><td>${v.changes.length ? v.changes.join(', ') : v.version === 1 ? 'first version' : '—'}</td></tr>`,
  )}</tbody></table>`;
}

export interface PolicyPage {
  current: PolicyVersionView;
  history: readonly PolicyVersionView[];
  csrf: string;
  /** The text in the editor (a rejected or reviewed draft), else the current policy. */
  draft?: string;
  /** After "Review changes": the server's verdict on the draft. */
  review?: PolicyPreview;
  notice?: string;
}

function reviewSection(review: PolicyPreview, draft: string, csrf: string): SafeHtml {
  if (!review.valid) {
    return html`<div class="notice bad" role="alert" id="policy-review"><p>The draft is not valid; nothing was saved.</p>
<ul class="issues">${review.issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}</ul></div>`;
  }
  if (review.changes.length === 0)
    return html`<p class="notice" role="status" id="policy-review">The draft is the same as version ${review.currentVersion}; there is nothing to save.</p>`;
  return html`<section id="policy-review" aria-labelledby="review-heading">
<h2 id="review-heading">Review: changes from version ${review.currentVersion}</h2>
<p>Changed fields: ${review.changes.map((c, i) => html`${i ? ', ' : ''}<code>${c}</code>`)}</p>
${diffView(review.diff)}
<form method="post" action="/policy" class="actions">
${csrfField(csrf)}
<input type="hidden" name="document" value="${draft}">
<input type="hidden" name="baseVersion" value="${review.currentVersion}">
<button type="submit" class="primary">Save as version ${review.currentVersion + 1}</button>
<a href="/policy">Discard</a>
</form>
</section>`;
}

/** The draft as a value for the form: parsed JSON, else the policy in force. */
function draftValue(draft: string, current: PolicyVersionView): { value: unknown; parsed: boolean } {
  try {
    return { value: JSON.parse(draft) as unknown, parsed: true };
  } catch {
    return { value: current.policy, parsed: false };
  }
}

export function policyPage(page: PolicyPage): string {
  const { current, csrf } = page;
  const draft = page.draft ?? prettyJson(current.policy);
  const form = draftValue(draft, current);
  const issues = page.review && !page.review.valid ? page.review.issues : [];
  return layout({
    title: 'Policy',
    csrf,
    active: '/policy',
    scripts: ['policy-editor.js', 'policy-form.js'],
    body: html`<h1>Policy</h1>
${page.notice ? html`<p class="notice" role="status" id="policy-notice">${page.notice}</p>` : ''}
<p id="policy-current">In force: <strong>version ${current.version}</strong> (${String(current.policy.mode ?? '')} mode), saved ${formatTime(current.createdAt)} by ${actorLabel(current.createdBy)}.</p>
${page.review ? reviewSection(page.review, draft, csrf) : ''}
<form method="post" action="/policy/review" class="stack" id="policy-form">
${csrfField(csrf)}
<p class="muted" id="policy-form-help">The org policy (Slack's AER settings): one card a rule. Validated by the policy's schema as you type; nothing is saved until you review the changes.</p>
${policyCards(form.value, issues)}
<details id="policy-advanced"${form.parsed ? '' : html` open`}>
<summary>Advanced: the policy as JSON (policy as code)</summary>
<div>
<label for="policy-document">Policy (JSON)</label>
<p class="muted" id="policy-help">The whole document, in step with the form above. Unknown keys are refused; every key has a default. The settings without a card (mode, trusted networks, cooldown, revocation at Slack) are edited here.</p>
<textarea id="policy-document" name="document" rows="26" spellcheck="false" aria-describedby="policy-help policy-validation">${draft}</textarea>
</div>
</details>
<div id="policy-validation" role="status" aria-live="polite"></div>
<div id="policy-live-diff"></div>
<div class="actions"><button type="submit" class="primary">Review changes</button></div>
</form>
${serverSideModes(current.policy.serverSideRevocation)}
<h2>History</h2>
${historyTable(page.history)}`,
  });
}

export function policyVersionPage(view: PolicyVersionView, diff: readonly DiffLine[] | null, csrf: string): string {
  return layout({
    title: `Policy v${view.version}`,
    csrf,
    active: '/policy',
    body: html`<p><a href="/policy">← Policy</a></p>
<h1>Policy version ${view.version}</h1>
<dl class="facts"><dt>Saved</dt><dd>${formatTime(view.createdAt)}</dd><dt>By</dt><dd>${view.createdBy}</dd>
<dt>Changed fields</dt><dd>${view.changes.length ? view.changes.join(', ') : '—'}</dd></dl>
${diff ? html`<h2>Changes from version ${view.version - 1}</h2>${diffView(diff, 'policy-version-diff')}` : ''}
<h2>Document</h2>
<pre id="policy-version-document">${prettyJson(view.policy)}</pre>`,
  });
}
