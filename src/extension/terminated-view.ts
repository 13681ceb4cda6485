/**
 * The page a Slack tab lands on after Session Guard ended the session: what happened,
 * what to do, and whom to ask (the org's contact from managed policy, when it set one).
 * Built from the status record and the policy, never from the page URL's contents.
 */
import { reasonText } from '@/src/shared/protocol';
import { builder, safeLink } from './dom';
import type { ProtectionStatus } from './status';
import type { SupportInfo } from './termination';

type Verdict = NonNullable<ProtectionStatus['lastVerdict']>;

/** A code this build does not know is shown as given (issue #14): the user can quote it to IT. */
function reasonsText(reasons: string[]): string[] {
  return reasons.map(reasonText);
}

export function renderTerminated(doc: Document, verdict: Verdict | null, support: SupportInfo): DocumentFragment {
  const el = builder(doc);
  const fragment = doc.createDocumentFragment();
  fragment.append(el('h1', 'Your Slack session on this browser was ended'));

  const what = el('section');
  what.append(el('h2', 'What happened'));
  if (verdict) {
    const when = new Date(verdict.at).toLocaleString();
    const who = verdict.local
      ? 'Session Guard ended it on this device, following your organisation’s local limit, because its server could not be reached.'
      : 'Your organisation’s Session Guard ended it because its security rules detected a risk.';
    what.append(el('p', `${who} This happened at ${when}.`));
    const list = el('ul');
    for (const reason of reasonsText(verdict.reasons)) list.append(el('li', `Reason: ${reason}.`));
    what.append(list);
  } else {
    what.append(
      el('p', 'Session Guard ended your Slack session on this browser, as your organisation’s policy requires.'),
    );
  }
  what.append(
    el(
      'p',
      'Your Slack cookies and Slack’s data in this browser were removed, so the session cannot be used from here — or from anywhere it may have been copied to, once Slack ends it.',
    ),
  );
  fragment.append(what);

  const todo = el('section');
  todo.append(el('h2', 'What to do'));
  const steps = el('ol');
  const signIn = el('li', 'If this was you, ');
  signIn.append(
    safeLink(doc, 'https://app.slack.com/', 'sign in to Slack again'),
    doc.createTextNode(' and carry on.'),
  );
  steps.append(signIn);
  steps.append(
    el('li', 'If you did not expect this, do not sign in again until you have talked to your security team.'),
  );
  todo.append(steps);
  fragment.append(todo);

  const contact = el('section', undefined, 'contact');
  contact.append(el('h2', 'Who to contact'));
  if (support.supportContact) contact.append(el('p', `Contact: ${support.supportContact}`));
  if (support.supportUrl) {
    const p = el('p');
    p.append(safeLink(doc, support.supportUrl, 'Get help from your security team'));
    contact.append(p);
  }
  if (!support.supportContact && !support.supportUrl) contact.append(el('p', 'Contact your IT or security team.'));
  fragment.append(contact);
  return fragment;
}
