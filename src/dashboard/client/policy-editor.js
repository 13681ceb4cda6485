// @ts-check
/**
 * The policy editor validates as you type: the draft goes to POST /api/policy/preview
 * (the zod schema on the server, the one the engine uses), and the page shows the problems
 * with their field paths, or the fields that would change and the line diff. Saving still
 * goes through the server-rendered review step.
 */
import { el } from './format.js';

const textarea = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('policy-document'));
const status = document.getElementById('policy-validation');
const diffBox = document.getElementById('policy-live-diff');
const csrf = document.querySelector('meta[name="csrf-token"]')?.getAttribute('content') ?? '';

/** @typedef {{ valid: boolean, issues: { path: string, message: string }[], currentVersion: number, changes: string[], diff: { op: 'same' | 'add' | 'remove', text: string }[] }} Preview */

/** @param {Preview} preview */
function render(preview) {
  // The form (policy-form.js) shows each issue beside its field.
  document.dispatchEvent(new CustomEvent('policy-preview', { detail: preview }));
  if (!status || !diffBox || !textarea) return;
  status.replaceChildren();
  diffBox.replaceChildren();
  textarea.setAttribute('aria-invalid', String(!preview.valid));
  if (!preview.valid) {
    status.append(
      el('p', {
        className: 'error',
        text: `Not valid (${preview.issues.length} problem${preview.issues.length === 1 ? '' : 's'}):`,
      }),
    );
    const list = el('ul', { className: 'issues' });
    for (const issue of preview.issues)
      list.append(el('li', {}, [el('code', { text: issue.path }), `: ${issue.message}`]));
    status.append(list);
    return;
  }
  if (preview.changes.length === 0) {
    status.append(el('p', { text: `Valid. Same as version ${preview.currentVersion}.` }));
    return;
  }
  status.append(
    el('p', { text: `Valid. Changes from version ${preview.currentVersion}: ${preview.changes.join(', ')}` }),
  );
  const pre = el('pre', {
    className: 'diff',
    attrs: { id: 'policy-diff-live', 'aria-label': 'Changes, line by line' },
  });
  const sign = { add: '+ ', remove: '- ', same: '  ' };
  for (const line of preview.diff) pre.append(el('span', { className: line.op, text: `${sign[line.op]}${line.text}` }));
  diffBox.append(pre);
}

let timer = 0;
let sequence = 0;
async function validate() {
  if (!textarea) return;
  const mine = ++sequence;
  try {
    const response = await fetch('/api/policy/preview', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
      body: JSON.stringify({ document: textarea.value }),
      credentials: 'same-origin',
    });
    if (mine !== sequence) return;
    if (!response.ok) {
      status?.replaceChildren(el('p', { className: 'error', text: `Could not validate (HTTP ${response.status}).` }));
      return;
    }
    render(await response.json());
  } catch {
    if (mine === sequence)
      status?.replaceChildren(el('p', { className: 'error', text: 'Could not reach the server to validate.' }));
  }
}

if (textarea) {
  textarea.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(validate, 250);
  });
}
