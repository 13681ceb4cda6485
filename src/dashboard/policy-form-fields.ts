/**
 * One field of the policy form (issue #14), rendered by its kind in the schema: a
 * checkbox, a radio group, a whole number with its unit, a list of Slack IDs, or text.
 * Every control has a real <label>; its hint (unit, default, limits from the schema) and
 * its error slot are tied to it with aria-describedby, so a screen reader reads the
 * problem the server's schema found beside the field it concerns.
 */
import { fieldHint, fieldId, type FormField } from '../shared/policy/policy-form-model';
import { ACTION_WORDS } from '../shared/policy/rule-catalog';
import { html, type SafeHtml } from './html';

/** What a field shows: the draft's value, else the schema's default. */
export interface FieldState {
  value: unknown;
  /** The schema's message for this field, when the draft breaks a rule. */
  error?: string;
}

const optionLabel = (option: string) =>
  option in ACTION_WORDS ? ACTION_WORDS[option as keyof typeof ACTION_WORDS] : option;

function textValue(f: FormField, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (f.kind === 'list') return Array.isArray(value) ? value.map(String).join(', ') : String(value);
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** The schema's default, for the script that shows it when the JSON view drops a key. */
const defaultAttr = (f: FormField) =>
  f.default === undefined ? '' : html` data-default="${JSON.stringify(f.default)}"`;

export function errorSlot(path: string, error: string | undefined): SafeHtml {
  return html`<p class="field-error" id="e-${fieldId(path)}" data-error-for="${path}">${error ?? ''}</p>`;
}

export function formField(f: FormField, state: FieldState): SafeHtml {
  const id = fieldId(f.path);
  const hint = fieldHint(f);
  const describedBy = `${hint ? `h-${id} ` : ''}e-${id}`;
  const invalid = state.error ? 'true' : 'false';
  const hintHtml = hint ? html`<p class="hint" id="h-${id}">${hint}</p>` : '';
  const value = state.value === undefined ? f.default : state.value;

  if (f.kind === 'boolean')
    return html`<div class="field check"><input type="checkbox" id="${id}" data-path="${f.path}" data-kind="boolean"${defaultAttr(f)}${value === true ? html` checked` : ''} aria-describedby="${describedBy}" aria-invalid="${invalid}"> <label for="${id}">${f.label}</label>
${hintHtml}${errorSlot(f.path, state.error)}</div>`;

  if (f.kind === 'enum')
    return html`<fieldset class="field choice" id="${id}"><legend>${f.label}</legend>
${(f.options ?? []).map(
  (option) =>
    html`<div class="option"><input type="radio" id="${id}-${option}" name="${id}" value="${option}" data-path="${f.path}" data-kind="enum"${defaultAttr(f)}${value === option ? html` checked` : ''} aria-describedby="${describedBy}" aria-invalid="${invalid}"> <label for="${id}-${option}">${optionLabel(option)}</label></div>`,
)}
${hintHtml}${errorSlot(f.path, state.error)}</fieldset>`;

  const common = html`id="${id}" data-path="${f.path}" data-kind="${f.kind}"${defaultAttr(f)} aria-describedby="${describedBy}" aria-invalid="${invalid}"`;
  const control =
    f.kind === 'list'
      ? html`<textarea ${common} rows="2" spellcheck="false">${textValue(f, value)}</textarea>`
      : html`<input type="text" ${common}${f.kind === 'integer' ? html` inputmode="numeric"` : ''} value="${textValue(f, value)}"${f.default !== undefined ? html` placeholder="${String(f.default)}"` : ''}>`;
  return html`<div class="field"><label for="${id}">${f.label}${f.unit ? html` <span class="unit">(${f.unit})</span>` : ''}</label>
${control}
${hintHtml}${errorSlot(f.path, state.error)}</div>`;
}
