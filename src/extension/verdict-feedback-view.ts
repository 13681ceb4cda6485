/**
 * The "why, exactly" and "was this you?" part of the page a Slack tab lands on after a
 * verdict (issue #14): which anomaly, when, from which browser and address, as the
 * backend explained it to this device, and two buttons to answer. Text only; nothing the
 * backend sends is parsed as HTML.
 */
import type { VerdictAnswer, VerdictExplanation } from '@/src/shared/protocol';
import { builder } from './dom';
import type { FeedbackResponse } from './verdict-feedback';

export type FeedbackState =
  | { status: 'loading' }
  | { status: 'error'; error: string }
  | { status: 'ready'; explanation: VerdictExplanation; sending?: boolean; sendError?: string };

const ANSWER_TEXT: Record<VerdictAnswer, string> = { me: 'This was me', not_me: 'This was not me' };

function whereText(seen: VerdictExplanation['seenFrom']): string {
  const address = seen.address ? ` at the address ${seen.address}` : '';
  if (seen.thisDevice) return `This browser${seen.browser ? ` (${seen.browser})` : ''}${address}.`;
  const browser = seen.browser ? `${seen.browser}, ` : '';
  return `Somewhere other than this browser (${browser}seen by Slack)${address}.`;
}

export function renderFeedback(
  doc: Document,
  state: FeedbackState,
  onAnswer: (answer: VerdictAnswer) => void,
): HTMLElement {
  const el = builder(doc);
  const section = el('section');
  section.id = 'verdict-details';
  section.append(el('h2', 'What Session Guard saw'));
  if (state.status === 'loading') {
    section.append(el('p', 'Asking your organisation’s Session Guard server for the details…'));
    return section;
  }
  if (state.status === 'error') {
    section.append(el('p', `The details could not be loaded: ${state.error}`, 'error'));
    return section;
  }
  const x = state.explanation;
  const facts = el('dl');
  const fact = (term: string, value: string, id: string) => {
    const dd = el('dd', value);
    dd.id = id;
    facts.append(el('dt', term), dd);
  };
  fact('Anomaly', x.reasons.map((r) => `${r.text} (${r.code})`).join('; '), 'detail-anomaly');
  fact('When', new Date(x.detectedAt ?? x.issuedAt).toLocaleString(), 'detail-when');
  fact('Where', whereText(x.seenFrom), 'detail-where');
  if (x.what) fact('What was counted', x.what, 'detail-what');
  section.append(facts);

  const ask = el('div', undefined, 'answer');
  ask.id = 'verdict-answer';
  ask.append(el('h2', 'Was this you?'));
  if (x.answer) {
    ask.append(
      el(
        'p',
        `You answered “${ANSWER_TEXT[x.answer.answer]}” on ${new Date(x.answer.answeredAt).toLocaleString()}. Your security team can see it.`,
        'answered',
      ),
    );
    section.append(ask);
    return section;
  }
  ask.append(
    el(
      'p',
      'Tell your security team whether you did this. Your answer is sent once, signed by this browser, and helps them tell a real attack from a rule that is too strict.',
    ),
  );
  const buttons = el('p');
  for (const answer of ['me', 'not_me'] as const) {
    const button = el('button', ANSWER_TEXT[answer]) as HTMLButtonElement;
    button.type = 'button';
    button.dataset.answer = answer;
    button.disabled = state.sending ?? false;
    button.addEventListener('click', () => onAnswer(answer));
    buttons.append(button, doc.createTextNode(' '));
  }
  ask.append(buttons);
  if (state.sendError) ask.append(el('p', `Your answer could not be sent: ${state.sendError}`, 'error'));
  section.append(ask);
  return section;
}

export type AskBackend = (answer?: VerdictAnswer) => Promise<FeedbackResponse>;

/** Shows the details after `anchor`, loads them, and sends an answer when a button is clicked. */
export async function mountFeedback(doc: Document, anchor: Element, ask: AskBackend): Promise<void> {
  let shown: FeedbackState = { status: 'loading' };
  let details = renderFeedback(doc, shown, () => undefined);
  anchor.after(details);
  const draw = (state: FeedbackState) => {
    shown = state;
    const next = renderFeedback(doc, state, (value) => void answer(value));
    details.replaceWith(next);
    details = next;
  };
  const safely = (value?: VerdictAnswer) =>
    ask(value).catch((error: Error): FeedbackResponse => ({ ok: false, error: error.message }));
  async function answer(value: VerdictAnswer): Promise<void> {
    if (shown.status !== 'ready') return;
    const before = shown;
    draw({ ...before, sending: true });
    const result = await safely(value);
    draw(result.ok ? { status: 'ready', explanation: result.explanation } : { ...before, sendError: result.error });
  }
  const result = await safely();
  draw(result.ok ? { status: 'ready', explanation: result.explanation } : { status: 'error', error: result.error });
}
