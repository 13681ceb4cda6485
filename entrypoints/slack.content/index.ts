// On app.slack.com only: read the team and user ids from Slack's localConfig_v2 and tell
// the service worker, which reports them once per change. The xoxc token is read only
// when the service worker asks while ending the session at Slack (issue #12), and goes
// only to it: never stored, never to the backend (docs/slack-session.md).
import { parseSlackIdentity, SLACK_IDENTITY_MESSAGE } from '@/src/extension/collectors/slack-identity-parse';
import { answerTokenRequest } from '@/src/extension/collectors/slack-token';

const RETRY_MS = [0, 2_000, 5_000, 15_000];

export default defineContentScript({
  matches: ['https://app.slack.com/*'],
  runAt: 'document_idle',
  main() {
    const report = () => {
      const identity = parseSlackIdentity(localStorage.getItem('localConfig_v2'));
      if (identity)
        void browser.runtime.sendMessage({ type: SLACK_IDENTITY_MESSAGE, ...identity }).catch(() => undefined);
      return identity !== null;
    };
    // The web client writes its config after start-up; try a few times, then on each return to the tab.
    const attempt = (i: number) =>
      !report() && i + 1 < RETRY_MS.length && setTimeout(() => attempt(i + 1), RETRY_MS[i + 1]);
    attempt(0);
    browser.runtime.onMessage.addListener((message, sender) => answerTokenRequest(message, sender, browser.runtime.id));
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && report());
  },
});
