/**
 * Verdicts: filter by reason, user, device and time; export what is shown; each verdict
 * opens to its evidence. New verdicts appear live (server-sent events) when no filter
 * is set; with filters the page says that new ones arrived.
 */
import type { VerdictView } from '../shared/protocol/admin';
import { filterForm, filterQuery, hasFilters, type FilterValues } from './filters';
import { html, layout } from './html';
import { verdictTable } from './tables';

export interface VerdictsPage {
  verdicts: readonly VerdictView[];
  filters: FilterValues;
  error?: string;
  csrf: string;
  now: number;
}

export function verdictsPage({ verdicts, filters, error, csrf, now }: VerdictsPage): string {
  const q = filterQuery(filters);
  const filtered = hasFilters(filters);
  return layout({
    title: 'Verdicts',
    csrf,
    active: '/verdicts',
    renderedAt: now,
    scripts: ['live.js'],
    body: html`<h1>Verdicts</h1>
${filterForm('/verdicts', filters, 'verdicts', error)}
<div class="actions"><span>Export ${filtered ? 'these' : 'all'} verdicts:</span>
<a class="button" href="/api/exports/verdicts.csv${q}" download>CSV</a>
<a class="button" href="/api/exports/verdicts.json${q}" download>JSON</a></div>
<p class="muted">${verdicts.length} shown${verdicts.length >= 100 ? ' (the newest 100)' : ''}.${filtered ? ' Filtered: new verdicts are announced, not added.' : ' New verdicts appear here as they are issued.'}</p>
${verdictTable(verdicts, { id: 'verdicts', caption: 'Verdicts', live: !filtered, empty: filtered ? 'No verdict matches these filters.' : 'No verdicts yet.' })}`,
  });
}
