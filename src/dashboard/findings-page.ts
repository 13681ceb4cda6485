/**
 * Findings: everything the detectors concluded, whatever was done about it — including
 * those recorded in `monitor` mode (would-be verdicts) and alert-only ones. Filterable,
 * exportable as CSV, JSON or OCSF Detection Finding events; new ones appear live.
 */
import type { FindingView } from '../shared/protocol/admin';
import type { AnswerCountsView } from '../shared/protocol/verdict-answer';
import { answerCountsTable } from './answer-views';
import { filterForm, filterQuery, hasFilters, type FilterValues } from './filters';
import { html, layout } from './html';
import { findingTable } from './tables';

export interface FindingsPage {
  findings: readonly FindingView[];
  filters: FilterValues;
  error?: string;
  csrf: string;
  now: number;
  /** Issue #14: users' "this was me" answers per detector. */
  answers?: AnswerCountsView;
}

export function findingsPage({ findings, filters, error, csrf, now, answers }: FindingsPage): string {
  const q = filterQuery(filters);
  const filtered = hasFilters(filters);
  const monitor = findings.filter((f) => f.mode === 'monitor').length;
  return layout({
    title: 'Findings',
    csrf,
    active: '/findings',
    renderedAt: now,
    scripts: ['live.js'],
    body: html`<h1>Findings</h1>
${filterForm('/findings', filters, 'findings', error)}
<div class="actions"><span>Export ${filtered ? 'these' : 'all'} findings:</span>
<a class="button" href="/api/exports/findings.csv${q}" download>CSV</a>
<a class="button" href="/api/exports/findings.json${q}" download>JSON</a>
<a class="button" href="/api/exports/findings.ocsf.json${q}" download>OCSF (Detection Finding)</a></div>
<p class="muted">${findings.length} shown, ${monitor} recorded in monitor mode.</p>
${findingTable(findings, { id: 'findings', caption: 'Findings', live: !filtered, empty: filtered ? 'No finding matches these filters.' : 'No findings yet.' })}
${
  answers
    ? html`<h2 id="answers-heading">Was it the user? Answers per detector</h2>
<p class="muted">After a verdict ends a session, its user can answer “this was me” or “this was not me”. Many “this was me” for one detector suggest its threshold is too tight.</p>
${answerCountsTable(answers)}`
    : ''
}`,
  });
}
