/**
 * The popup's view of protection status, in plain words: is this browser protected, where
 * the policy comes from, whether the backend answers, when it last heard from us, and the
 * last session ended. An unconfigured or failing extension says what is wrong. Built with
 * DOM nodes and textContent only: nothing from storage is ever parsed as HTML.
 */
import { reasonText } from '@/src/shared/protocol';
import { builder } from './dom';
import type { ProtectionStatus } from './status';

export type Level = 'ok' | 'warn' | 'bad';

export function describe(status: ProtectionStatus | null): { level: Level; headline: string } {
  if (!status || status.policy === 'missing')
    return {
      level: 'bad',
      headline:
        'Not protected: your organisation has not set a Session Guard policy for this browser, so nothing is watched or reported. Ask your IT team to deploy it.',
    };
  if (status.policy === 'invalid')
    return {
      level: 'bad',
      headline: `Not protected: the Session Guard policy from your organisation is invalid (${status.problems.join('; ')}). Ask your IT team to fix it.`,
    };
  if (status.revoked)
    return {
      level: 'bad',
      headline:
        'Disconnected: your security team revoked this browser’s Session Guard key. Local limits still apply; ask them if this is unexpected.',
    };
  if (!status.enrolled && status.pendingApproval)
    return {
      level: 'warn',
      headline:
        "Waiting for your administrator's approval: this browser has asked to join your security team’s server and starts reporting once they approve it. Nothing to do on your side.",
    };
  if (!status.enrolled)
    return {
      level: 'warn',
      headline: `Starting: this browser is not yet enrolled with your security team’s server${status.lastError ? ` (${status.lastError})` : ''}.`,
    };
  if (status.reachable === false)
    return {
      level: 'warn',
      headline:
        'Protected, but the Session Guard server cannot be reached right now; reports are kept on this device and sent when it is back.',
    };
  return {
    level: 'ok',
    headline: 'Protected: your Slack session is watched and can be ended at once if it is stolen or abused.',
  };
}

export function ago(at: number | null, now: number): string {
  if (at === null) return 'never';
  const seconds = Math.max(0, Math.round((now - at) / 1000));
  if (seconds < 60) return seconds < 5 ? 'just now' : `${seconds} seconds ago`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min ago`;
  return new Date(at).toLocaleString();
}

function backendText(status: ProtectionStatus): string {
  if (!status.backendUrl) return 'none configured';
  if (status.revoked) return `${status.backendUrl}: refuses this browser (key revoked)`;
  if (status.pendingApproval && !status.enrolled)
    return `${status.backendUrl}: waiting for your administrator's approval`;
  if (status.connected) return `${status.backendUrl}: connected, verdicts arrive instantly`;
  if (status.reachable) return `${status.backendUrl}: reachable; verdicts are fetched at each check-in`;
  if (status.reachable === false) return `${status.backendUrl}: not reachable`;
  return `${status.backendUrl}: connecting…`;
}

function verdictText(verdict: NonNullable<ProtectionStatus['lastVerdict']>, now: number): string {
  const reasons = verdict.reasons.map(reasonText).join('; ');
  const by = verdict.local ? 'on this device by a local limit' : 'by your organisation';
  return `Your Slack session was ended ${ago(verdict.at, now)} ${by}, because ${reasons}.`;
}

export function rows(status: ProtectionStatus, now: number): [string, string][] {
  const list: [string, string][] = [
    ['Policy', status.policy === 'ok' ? (status.policySource ?? 'managed by your organisation') : status.policy],
    ['Server', backendText(status)],
    ['Last report', status.lastReportAt === null ? 'nothing sent yet' : `sent ${ago(status.lastReportAt, now)}`],
    ['Waiting to send', status.pendingSignals === 0 ? 'nothing' : `${status.pendingSignals} reports`],
    [
      'Last verdict',
      status.lastVerdict ? verdictText(status.lastVerdict, now) : 'none: your session has never been ended',
    ],
  ];
  if (status.localCap) list.push(['Local limit', status.localCap]);
  if (status.slackIdentity) list.push(['Slack account', identityText(status.slackIdentity, now)]);
  if (status.sessionVault && status.sessionVault.requested !== 'off')
    list.push(['Session vault', vaultText(status.sessionVault)]);
  if (status.lastError && status.policy === 'ok') list.push(['Problem', status.lastError]);
  return list;
}

type SlackIdentityStatus = NonNullable<ProtectionStatus['slackIdentity']>;

export function identityText(identity: SlackIdentityStatus, now: number): string {
  switch (identity.state) {
    case 'verified':
      return `${identity.userId}, confirmed by Slack ${ago(identity.verifiedAt, now)}`;
    case 'not_configured':
      return `${identity.userId}, not confirmed: your organisation has not turned on Sign in with Slack`;
    case 'needs_consent':
      return `${identity.userId}, not confirmed yet`;
    case 'failed':
      return `${identity.userId}, not confirmed: ${identity.error ?? 'Slack did not answer'}`;
  }
}

/** Why we ask, in one sentence, next to the one button that does it. */
export const VERIFY_EXPLANATION =
  'Your security team needs Slack to confirm which Slack account this browser uses, so that a stolen session can also be ended at Slack. Slack asks you once; after that it happens without a click.';

function verifyPrompt(doc: Document, onVerify: () => void): HTMLElement {
  const el = builder(doc);
  const section = el('section', '', 'verify');
  section.setAttribute('aria-label', 'Verify with Slack');
  const button = el('button', 'Verify with Slack');
  button.setAttribute('type', 'button');
  button.addEventListener('click', () => {
    button.setAttribute('disabled', '');
    onVerify();
  });
  section.append(el('p', VERIFY_EXPLANATION), button);
  return section;
}

export function renderStatus(
  doc: Document,
  status: ProtectionStatus | null,
  now: number,
  onVerify?: () => void,
): DocumentFragment {
  const el = builder(doc);
  const fragment = doc.createDocumentFragment();
  fragment.append(el('h1', 'Session Guard'));
  const { level, headline } = describe(status);
  const state = el('p', headline, `state ${level}`);
  state.setAttribute('role', 'status');
  fragment.append(state);
  if (!status || status.policy !== 'ok') return fragment;

  const list = el('dl');
  for (const [term, value] of rows(status, now)) list.append(el('dt', term), el('dd', value));
  fragment.append(list);
  const identity = status.slackIdentity?.state;
  if (onVerify && (identity === 'needs_consent' || identity === 'failed')) fragment.append(verifyPrompt(doc, onVerify));
  return fragment;
}

/** Issue #13: where the Slack session rests, and what a browser restart means for the user. */
export function vaultText(vault: NonNullable<ProtectionStatus['sessionVault']>): string {
  if (vault.mode === 'off') return `off: ${vault.reason ?? 'your organisation turned it off'}`;
  if (vault.mode === 'memory')
    return 'on: your Slack session is kept in Session Guard’s memory, not in the browser’s cookies. After a browser restart, sign in to Slack again (one click with your company’s single sign-on).';
  return 'on (sealed): your Slack session is kept encrypted by Session Guard, not in the browser’s cookies, and survives a browser restart.';
}
