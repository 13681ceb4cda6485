/**
 * What follows the cookie clear: Slack's site data and tabs, the user told why in plain
 * words, and the verdict remembered for the popup.
 */
import { browser } from 'wxt/browser';
import { REASON_TEXT, type VerdictPayload } from '@/src/shared/protocol';
import { clearSlackSiteData } from './slack-session';
import { updateStatus } from './status';

export function terminationMessage(payload: Pick<VerdictPayload, 'reasons'>): string {
  const why = payload.reasons.map((r) => REASON_TEXT[r]).join('; ');
  return `Your organisation ended your Slack session on this browser because ${why}. Sign in to Slack again to continue; if you did not expect this, contact your security team.`;
}

export async function afterTermination(payload: VerdictPayload, cookieHosts: string[]): Promise<void> {
  await updateStatus({
    lastVerdict: { id: payload.id, at: Date.now(), reasons: payload.reasons, cookiesCleared: cookieHosts.length },
  });
  await Promise.allSettled([
    clearSlackSiteData(cookieHosts, null),
    browser.notifications.create(`verdict-${payload.id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: 'Slack session ended by Session Guard',
      message: terminationMessage(payload),
      priority: 2,
    }),
  ]);
}
