// @ts-check
/**
 * The policy form and the JSON view kept in step (issue #14): a change to a card's field
 * writes that one path into the JSON document (and so into the live validation and diff
 * of policy-editor.js); an edit of the JSON that parses sets every card field from it
 * (the schema's default where the document leaves a key out). The schema's issues, as
 * POST /api/policy/preview names them by path, are shown beside the field they concern
 * (its error slot is in its aria-describedby) or, failing that, beside its card.
 */

const form = document.getElementById('policy-form');
const textarea = /** @type {HTMLTextAreaElement | null} */ (document.getElementById('policy-document'));

/** @returns {HTMLElement[]} */
const controls = () => Array.from(form?.querySelectorAll('[data-path]') ?? []);

/** @returns {Record<string, unknown> | null} */
function parseDocument() {
  try {
    const value = JSON.parse(textarea?.value ?? '');
    return value && typeof value === 'object' && !Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** @param {unknown} document @param {string} path */
function valueAt(document, path) {
  /** @type {unknown} */
  let node = document;
  for (const key of path.split('.')) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return undefined;
    node = /** @type {Record<string, unknown>} */ (node)[key];
  }
  return node;
}

/** @param {Record<string, unknown>} document @param {string} path @param {{ set: boolean, value?: unknown }} change */
function writeAt(document, path, change) {
  const keys = path.split('.');
  const last = keys.pop() ?? '';
  /** @type {Record<string, unknown>} */
  let node = document;
  for (const key of keys) {
    const next = node[key];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = /** @type {Record<string, unknown>} */ (node[key]);
  }
  if (change.set) node[last] = change.value;
  else delete node[last];
}

/**
 * A control's value as the policy holds it; text the schema would refuse is passed on as
 * text so that the schema, not this script, says what is wrong with it.
 * @param {HTMLInputElement | HTMLTextAreaElement} control
 * @returns {{ set: boolean, value?: unknown }}
 */
function readControl(control) {
  const text = control.value.trim();
  switch (control.dataset.kind) {
    case 'boolean':
      return { set: true, value: /** @type {HTMLInputElement} */ (control).checked };
    case 'enum':
      return { set: true, value: control.value };
    case 'integer':
      if (text === '') return { set: false };
      return { set: true, value: /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text };
    case 'list':
      return { set: true, value: text.split(/[\s,]+/).filter(Boolean) };
    default:
      return text === '' ? { set: false } : { set: true, value: text };
  }
}

/** @param {HTMLInputElement | HTMLTextAreaElement} control @param {unknown} document */
function showValue(control, document) {
  let value = valueAt(document, control.dataset.path ?? '');
  if (value === undefined && control.dataset.default !== undefined) value = JSON.parse(control.dataset.default);
  if (control instanceof HTMLInputElement && control.type === 'checkbox') control.checked = value === true;
  else if (control instanceof HTMLInputElement && control.type === 'radio') control.checked = control.value === value;
  else if (control.dataset.kind === 'list' && Array.isArray(value)) control.value = value.join(', ');
  else
    control.value =
      value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

let lastDocument = parseDocument() ?? {};
let writing = false;

form?.addEventListener('input', (event) => {
  const control = /** @type {HTMLInputElement | HTMLTextAreaElement} */ (event.target);
  if (!textarea || !control.dataset?.path) return;
  if (control instanceof HTMLInputElement && control.type === 'radio' && !control.checked) return;
  // A JSON view left unparseable: the card's change applies to the last document that parsed.
  const document = parseDocument() ?? structuredClone(lastDocument);
  writeAt(document, control.dataset.path, readControl(control));
  lastDocument = document;
  writing = true;
  textarea.value = JSON.stringify(document, null, 2);
  textarea.dispatchEvent(new Event('input', { bubbles: true }));
  writing = false;
});

textarea?.addEventListener('input', () => {
  if (writing) return;
  const document = parseDocument();
  if (!document) return;
  lastDocument = document;
  for (const control of controls()) showValue(/** @type {HTMLInputElement} */ (control), document);
});

/** The error slot nearest to an issue's path: its field's, else its card's. @param {string} path */
function slotFor(path) {
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const candidate = parts.slice(0, n).join('.');
    const slot = form?.querySelector(`[data-error-for="${CSS.escape(candidate)}"]`);
    if (slot) return { slot, path: candidate };
  }
  return null;
}

document.addEventListener('policy-preview', (event) => {
  const preview = /** @type {CustomEvent<{ valid: boolean, issues: { path: string, message: string }[] }>} */ (event)
    .detail;
  for (const slot of form?.querySelectorAll('[data-error-for]') ?? []) slot.textContent = '';
  for (const control of controls()) control.setAttribute('aria-invalid', 'false');
  if (preview.valid) return;
  for (const issue of preview.issues) {
    const found = slotFor(issue.path);
    if (!found) continue;
    const message =
      found.path === issue.path ? issue.message : `${issue.path.slice(found.path.length + 1)}: ${issue.message}`;
    found.slot.textContent = found.slot.textContent ? `${found.slot.textContent}; ${message}` : message;
    for (const control of controls())
      if (control.dataset.path === found.path) control.setAttribute('aria-invalid', 'true');
  }
});

// The cards are written into the JSON document by this script: usable only once it runs.
for (const card of form?.querySelectorAll('fieldset.rule[disabled]') ?? [])
  /** @type {HTMLFieldSetElement} */ (card).disabled = false;
