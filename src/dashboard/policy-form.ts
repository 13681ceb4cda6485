/**
 * The policy as a form (issue #14, "Settings an admin can read"): one card a detector and
 * a Slack anomaly, each a fieldset with its legend, the sentence on what it catches, and
 * its fields. Rendered from the draft being edited (or the policy in force) with the
 * schema's issues beside their fields. The cards are disabled until the page's script
 * (/assets/policy-form.js) runs, because it is the script that writes them into the JSON
 * document the server reviews; without script the JSON view works as before.
 */
import type { PolicyPreview } from '../shared/protocol/admin';
import { fieldForIssue, fieldId, policyFormCards, type RuleCard } from '../shared/policy/policy-form-model';
import { errorSlot, formField } from './policy-form-fields';
import { html, type SafeHtml } from './html';

/** The value at a dotted path in a parsed draft, or undefined. */
function valueAt(document: unknown, path: string): unknown {
  let node: unknown = document;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
  }
  return node;
}

/** The schema's messages, keyed by the field (or card) path they belong to. */
function errorsByPath(cards: readonly RuleCard[], issues: PolicyPreview['issues']): Map<string, string> {
  const errors = new Map<string, string>();
  for (const issue of issues) {
    const path = fieldForIssue(cards, issue.path);
    if (!path) continue;
    const message = path === issue.path ? issue.message : `${issue.path.slice(path.length + 1)}: ${issue.message}`;
    errors.set(path, errors.has(path) ? `${errors.get(path)}; ${message}` : message);
  }
  return errors;
}

function ruleCard(card: RuleCard, document: unknown, errors: Map<string, string>): SafeHtml {
  const id = fieldId(card.path);
  return html`<fieldset class="rule" id="${id}" data-card="${card.path}" disabled aria-describedby="c-${id} e-${id}">
<legend><span class="rule-title">${card.title}</span> <code>${card.id}</code></legend>
<p class="catches" id="c-${id}">${card.catches}</p>
${errorSlot(card.path, errors.get(card.path))}
${card.fields.map((f) => formField(f, { value: valueAt(document, f.path), error: errors.get(f.path) }))}
</fieldset>`;
}

function section(
  title: string,
  intro: string,
  id: string,
  cards: readonly RuleCard[],
  document: unknown,
  errors: Map<string, string>,
): SafeHtml {
  return html`<section aria-labelledby="${id}-heading" id="${id}">
<h2 id="${id}-heading">${title}</h2>
<p class="muted">${intro}</p>
<div class="rules">${cards.map((c) => ruleCard(c, document, errors))}</div>
</section>`;
}

/** The cards for a draft (parsed JSON, possibly invalid by the schema) and its issues. */
export function policyCards(document: unknown, issues: PolicyPreview['issues'] = []): SafeHtml {
  const cards = policyFormCards();
  const errors = errorsByPath(cards, issues);
  const detectors = cards.filter((c) => c.group === 'detectors');
  const anomalies = cards.filter((c) => c.group === 'slackAnomalies');
  return html`<nav aria-label="Rules on this page" class="rule-index"><details><summary>Jump to a rule</summary><ul>${cards.map(
    (c) => html`<li><a href="#${fieldId(c.path)}">${c.group === 'slackAnomalies' ? 'Slack: ' : ''}${c.id}</a></li>`,
  )}</ul></details></nav>
<noscript><p class="notice">The form needs JavaScript; without it, edit the policy in the JSON view below.</p></noscript>
${section("Session Guard's detectors", 'What the backend decides from the guarded browsers and from Slack\'s logs. "Terminate" ends the session; "Alert" records a finding only.', 'policy-detectors', detectors, document, errors)}
${section("Slack's anomaly events", "Slack's own Anomaly Event Response findings, read from its audit log: every reason code Slack sends.", 'policy-slack-anomalies', anomalies, document, errors)}`;
}
