/**
 * "This was me" on the dashboard (issue #14): a verdict's answer from its user, and the
 * answers counted per reason code, the false-positive signal thresholds are tuned with.
 * The answer is what the device reported for its user: evidence, not proof.
 */
import { REASON_TEXT, type ReasonCode } from '../shared/protocol/reason-codes';
import type { AnswerCountsView, StoredAnswer } from '../shared/protocol/verdict-answer';
import { formatTime, html, type SafeHtml } from './html';

const LABEL = { me: 'This was me', not_me: 'This was not me' } as const;

export function answerBadge(answer: StoredAnswer | null | undefined): SafeHtml {
  if (!answer) return html`<span class="badge" data-answer="none">unanswered</span>`;
  const cls = answer.answer === 'me' ? 'warn' : 'bad';
  return html`<span class="badge ${cls}" data-answer="${answer.answer}">${LABEL[answer.answer]}</span>`;
}

export function answerSection(answer: StoredAnswer | null | undefined): SafeHtml {
  if (!answer) {
    return html`<p id="user-answer">${answerBadge(answer)} The user has not said whether this was them.</p>`;
  }
  const meaning =
    answer.answer === 'me'
      ? 'The user says this was their own doing: a possible false positive, worth a look at the threshold.'
      : 'The user says this was not them: treat the session as stolen.';
  return html`<p id="user-answer">${answerBadge(answer)} answered ${formatTime(answer.answeredAt)}, signed by the device the verdict was aimed at.</p>
<p class="muted">${meaning}</p>`;
}

const reasonTitle = (reason: string) => (reason in REASON_TEXT ? REASON_TEXT[reason as ReasonCode] : reason);

export function answerCountsTable(counts: AnswerCountsView): SafeHtml {
  const caption = html`Users’ answers to verdicts since ${formatTime(counts.since)}, per detector`;
  if (counts.reasons.length === 0) {
    return html`<p class="empty" id="answer-counts-empty">No verdicts since ${formatTime(counts.since)}.</p>`;
  }
  return html`<table id="answer-counts"><caption>${caption}</caption>
<thead><tr><th scope="col">Detector</th><th scope="col" class="num">This was me</th><th scope="col" class="num">Not me</th><th scope="col" class="num">Unanswered</th><th scope="col" class="num">Share “this was me”</th></tr></thead>
<tbody>${counts.reasons.map((c) => {
    const answered = c.me + c.notMe;
    const share = answered ? `${Math.round((100 * c.me) / answered)} %` : '—';
    return html`<tr data-reason="${c.reason}"><td><code>${c.reason}</code> <span class="muted">${reasonTitle(c.reason)}</span></td>
<td class="num" data-count="me">${c.me}</td><td class="num" data-count="not_me">${c.notMe}</td><td class="num" data-count="unanswered">${c.unanswered}</td><td class="num">${share}</td></tr>`;
  })}</tbody></table>`;
}
