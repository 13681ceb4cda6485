/**
 * What follows the cookie clear: Slack's site data cleared, Slack tabs sent to a page of
 * the extension that explains what happened, the user notified in plain words (what
 * happened, what to do, whom to ask), and the verdict remembered for the popup.
 */
import { browser } from 'wxt/browser';
import { reasonText } from '@/src/shared/protocol';
import { clearSlackSiteData } from './slack-session';
import { updateStatus } from './status';

export interface Termination {
  id: string;
  /** As the verdict gave them, known to this build or not (issue #14). */
  reasons: string[];
  /** Ended by a local cap while the backend was unreachable. */
  local?: boolean;
}

export interface SupportInfo {
  supportUrl?: string;
  supportContact?: string;
}

export const NOTIFICATION_PREFIX = 'verdict-';

export function whyText(reasons: readonly string[]): string {
  return reasons.map(reasonText).join('; ');
}

export function terminationMessage(
  termination: Pick<Termination, 'reasons' | 'local'>,
  support: SupportInfo = {},
): string {
  const where = termination.local ? ' (counted on this device while the Session Guard server was unreachable)' : '';
  const whom = support.supportContact ?? 'your security team';
  return `Session Guard ended your Slack session on this browser because ${whyText(termination.reasons)}${where}. What to do: sign in to Slack again to continue. If you did not expect this, contact ${whom}.`;
}

/** The extension page a Slack tab lands on; it reads the details from status, not the URL. */
export function landingUrl(id: string): string {
  return `${browser.runtime.getURL('/terminated.html')}?verdict=${encodeURIComponent(id)}`;
}

export async function afterTermination(
  termination: Termination,
  cookieHosts: string[],
  support: SupportInfo = {},
): Promise<void> {
  await updateStatus({
    lastVerdict: {
      id: termination.id,
      at: Date.now(),
      reasons: termination.reasons,
      cookiesCleared: cookieHosts.length,
      local: termination.local ?? false,
    },
  });
  await Promise.allSettled([
    clearSlackSiteData(cookieHosts, landingUrl(termination.id)),
    browser.notifications.create(`${NOTIFICATION_PREFIX}${termination.id}`, {
      type: 'basic',
      iconUrl: browser.runtime.getURL('/icon/128.png'),
      title: 'Your Slack session was ended',
      message: terminationMessage(termination, support),
      priority: 2,
    }),
  ]);
}

/** A click on the notification opens the explanation page. Registered at start-up. */
export function openExplanationOnClick(): void {
  browser.notifications.onClicked.addListener((notificationId) => {
    if (!notificationId.startsWith(NOTIFICATION_PREFIX)) return;
    void browser.tabs.create({ url: landingUrl(notificationId.slice(NOTIFICATION_PREFIX.length)) });
    void browser.notifications.clear(notificationId);
  });
}
