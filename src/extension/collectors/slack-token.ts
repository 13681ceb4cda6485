/**
 * The page side of issue #12: the content script on app.slack.com answers the service
 * worker's request for the `xoxc` token(s) in Slack's `localConfig_v2`, so the session
 * can be signed out at Slack with `auth.revoke`. It answers only its own extension's
 * service worker (no tab in the sender), and only that one request; the token is
 * returned to the worker, nowhere else.
 */
export const SLACK_TOKEN_REQUEST = 'session-guard:slack-token-request';

export function tokensFromLocalConfig(raw: string | null): string[] {
  if (!raw) return [];
  try {
    const teams = (JSON.parse(raw) as { teams?: Record<string, { token?: unknown }> }).teams ?? {};
    return Object.values(teams)
      .map((t) => t?.token)
      .filter((t): t is string => typeof t === 'string' && /^xoxc-[A-Za-z0-9-]{1,300}$/.test(t));
  } catch {
    return [];
  }
}

export function answerTokenRequest(
  message: unknown,
  sender: { id?: string; tab?: unknown },
  extensionId: string,
): Promise<string[]> | undefined {
  if ((message as { type?: unknown })?.type !== SLACK_TOKEN_REQUEST) return undefined;
  if (sender.id !== extensionId || sender.tab) return undefined;
  return Promise.resolve(tokensFromLocalConfig(localStorage.getItem('localConfig_v2')));
}
