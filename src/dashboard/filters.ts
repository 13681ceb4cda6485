/**
 * The filter form shared by the verdict and finding lists, and the query string that
 * carries the same filters to the export links. Every control has a visible label.
 */
import { REASON_CODES } from '../shared/protocol/reason-codes';
import { html, SafeHtml } from './html';

export interface FilterValues {
  reason?: string;
  user?: string;
  device?: string;
  from?: string;
  to?: string;
  mode?: string;
  outcome?: string;
}

const select = (id: string, label: string, options: readonly string[], value: string | undefined) => html`<div>
<label for="${id}">${label}</label>
<select id="${id}" name="${id}"><option value="">Any</option>${options.map(
  (o) => html`<option value="${o}"${o === value ? new SafeHtml(' selected') : ''}>${o}</option>`,
)}</select>
</div>`;

const text = (id: string, label: string, value: string | undefined, placeholder: string, type = 'text') => html`<div>
<label for="${id}">${label}</label>
<input id="${id}" name="${id}" type="${type}" value="${value ?? ''}" placeholder="${placeholder}">
</div>`;

export function filterForm(
  action: string,
  values: FilterValues,
  extra: 'verdicts' | 'findings',
  error?: string,
): SafeHtml {
  const findingsOnly =
    extra === 'findings'
      ? html`${select('mode', 'Mode', ['monitor', 'enforce'], values.mode)}${select('outcome', 'Outcome', ['verdict_issued', 'would_terminate', 'alert', 'excluded', 'cooldown'], values.outcome)}`
      : '';
  return html`<form class="filters" method="get" action="${action}" role="search" aria-label="Filter ${extra}">
${select('reason', 'Reason', REASON_CODES, values.reason)}
${text('user', 'User', values.user, 'U0123ABCD')}
${text('device', 'Device', values.device, 'id or first characters')}
${text('from', 'From (UTC)', values.from, '', 'datetime-local')}
${text('to', 'To (UTC)', values.to, '', 'datetime-local')}
${findingsOnly}
<div><button type="submit">Apply filters</button> <a href="${action}">Clear</a></div>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
</form>`;
}

/** The active filters as a query string (for export links), empty values left out. */
export function filterQuery(values: FilterValues): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (typeof v === 'string' && v !== '') params.set(k, v);
  const q = params.toString();
  return q ? `?${q}` : '';
}

export const hasFilters = (values: FilterValues) =>
  Object.values(values).some((v) => typeof v === 'string' && v !== '');
