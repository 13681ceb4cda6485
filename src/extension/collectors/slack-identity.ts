/**
 * The Slack user behind the session, so verdicts and the dashboard can name them: the
 * content script on app.slack.com sends the team and user ids it read; this accepts them
 * only from that origin's top frame in a tab (darkreader's sender allowlist), and
 * reports a `slack_identity` signal when they change.
 */
import { browser, type Browser } from 'wxt/browser';
import { isSlackIdentity, SLACK_IDENTITY_MESSAGE, type SlackIdentity } from './slack-identity-parse';
import type { SignalSink } from './types';

const SLACK_CLIENT_ORIGIN = 'https://app.slack.com';
const KEY = 'slackIdentity';
/** Page identity reports judged so far (storage.session). */
export const HEARD_KEY = 'slackIdentityHeard';

export function fromSlackClient(sender: Browser.runtime.MessageSender, extensionId: string): boolean {
  if (sender.id !== extensionId || !sender.tab || sender.frameId !== 0 || !sender.url) return false;
  try {
    return new URL(sender.url).origin === SLACK_CLIENT_ORIGIN;
  } catch {
    return false;
  }
}

/** `onIdentity` hears every report from the page (Sign in with Slack checks it, issue #10). */
export function watchSlackIdentity(sink: SignalSink, onIdentity?: (identity: SlackIdentity) => void): void {
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    const m = message as { type?: unknown } & Partial<SlackIdentity>;
    if (m?.type !== SLACK_IDENTITY_MESSAGE || !fromSlackClient(sender, browser.runtime.id)) return undefined;
    const identity = { teamId: m.teamId, userId: m.userId };
    if (!isSlackIdentity(identity)) return undefined;
    onIdentity?.(identity);
    void (async () => {
      const seen = (await browser.storage.session.get(KEY))[KEY] as SlackIdentity | undefined;
      const same = seen?.teamId === identity.teamId && seen.userId === identity.userId;
      if (!same && (await sink.record({ type: 'slack_identity', teamId: identity.teamId, userId: identity.userId }))) {
        await browser.storage.session.set({ [KEY]: identity });
      }
      // How many page reports were judged (new or the same): tests wait on it, not on time.
      const heard = Number((await browser.storage.session.get(HEARD_KEY))[HEARD_KEY] ?? 0);
      await browser.storage.session.set({ [HEARD_KEY]: heard + 1 });
    })();
    return undefined;
  });
}
