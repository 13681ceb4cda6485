/**
 * Sign in with Slack from the extension (issue #10, docs/identity.md). When the Slack page
 * names a user this device has no verified identity for, the backend gives a fresh
 * challenge (client id, authorize URL, nonce bound to this device's key) and
 * `identity.launchWebAuthFlow` asks Slack — silently first (`interactive: false`: Slack
 * answers at once for a user who allowed it before). When Slack wants a click, the popup
 * shows "Verify with Slack" and the same flow runs interactively. The code goes back to the
 * backend, which exchanges it and checks the id_token; the extension never sees a token.
 */
import { browser } from 'wxt/browser';
import {
  IdentityChallengeResponse,
  IdentityVerifyResponse,
  SLACK_REDIRECT_PATH,
  type VerifiedSlackIdentity,
} from '@/src/shared/protocol';
import type { SlackIdentity } from './collectors/slack-identity-parse';
import type { Enrolled } from './device-identity';
import { signedPost } from './signed-fetch';
import { updateStatus, type ProtectionStatus } from './status';

/** The popup asks the service worker to run the flow interactively. */
export const VERIFY_SLACK_MESSAGE = 'session-guard:verify-slack';
const VERIFIED_KEY = 'slackVerified';
const CLAIM_KEY = 'slackClaim';
/** How long this browser trusts its note that the backend verified the user before asking again. */
const RECHECK_MS = 6 * 3600_000;

export interface VerificationTarget {
  stopped: boolean;
  enrolled: Promise<Enrolled>;
  policy: { backendUrl: string };
}

type State = NonNullable<ProtectionStatus['slackIdentity']>;

const say = (claim: SlackIdentity, patch: Partial<State> & Pick<State, 'state'>) =>
  updateStatus({
    slackIdentity: { userId: claim.userId, teamId: claim.teamId, verifiedAt: null, error: null, ...patch },
  });

async function backendError(response: Response): Promise<string> {
  try {
    const body = (await response.json()) as { message?: unknown };
    if (typeof body.message === 'string') return body.message.slice(0, 200);
  } catch {
    // not JSON: the status says enough
  }
  return `the server answered HTTP ${response.status}`;
}

/** The authorize URL Slack's Sign in with Slack documents, for this challenge. */
export function authorizeUrl(
  challenge: Extract<IdentityChallengeResponse, { configured: true }>,
  redirectUri: string,
  state: string,
  teamId: string,
): string {
  const url = new URL(challenge.authorizeUrl);
  url.search = new URLSearchParams({
    response_type: 'code',
    scope: challenge.scopes,
    client_id: challenge.clientId,
    redirect_uri: redirectUri,
    state,
    nonce: challenge.nonce,
    team: teamId,
  }).toString();
  return url.toString();
}

export function createSlackVerification(current: () => Promise<VerificationTarget | null>) {
  let running: Promise<void> | null = null;

  async function run(claim: SlackIdentity, interactive: boolean): Promise<void> {
    const guard = await current();
    if (!guard || guard.stopped) return;
    const device = await guard.enrolled;
    const cached = (await browser.storage.local.get(VERIFIED_KEY))[VERIFIED_KEY] as
      (VerifiedSlackIdentity & { deviceId: string }) | undefined;
    if (cached?.deviceId === device.deviceId && cached.userId === claim.userId) {
      return say(claim, { state: 'verified', verifiedAt: cached.verifiedAt });
    }
    const post = (path: string, body: object) =>
      signedPost(
        guard.policy.backendUrl,
        path,
        { deviceId: device.deviceId, sentAt: Date.now(), ...body },
        device.keyPair.privateKey,
        device.deviceId,
      );
    const remember = async (verified: VerifiedSlackIdentity) => {
      await browser.storage.local.set({
        [VERIFIED_KEY]: { ...verified, deviceId: device.deviceId, checkedAt: Date.now() },
      });
      await say(claim, { state: 'verified', userId: verified.userId, verifiedAt: verified.verifiedAt });
    };

    const answer = await post('/v1/identity/challenge', {});
    if (!answer.ok) return say(claim, { state: 'failed', error: await backendError(answer) });
    const challenge = IdentityChallengeResponse.parse(await answer.json());
    if (challenge.verified?.userId === claim.userId) return remember(challenge.verified);
    if (!challenge.configured) return say(claim, { state: 'not_configured' });

    const redirectUri = browser.identity.getRedirectURL(SLACK_REDIRECT_PATH);
    const state = crypto.randomUUID();
    let returned: string | undefined;
    try {
      returned = await browser.identity.launchWebAuthFlow({
        url: authorizeUrl(challenge, redirectUri, state, claim.teamId),
        interactive,
      });
    } catch (error) {
      // Silent failed: Slack wants the user to allow it once (or they are signed out).
      if (!interactive) return say(claim, { state: 'needs_consent' });
      return say(claim, { state: 'failed', error: `Slack did not confirm: ${(error as Error).message}` });
    }
    const back = returned ? new URL(returned) : null;
    const code = back?.searchParams.get('code');
    if (!back || back.searchParams.get('state') !== state || !code) {
      const why = back?.searchParams.get('error') ?? 'Slack sent an unexpected answer';
      return say(claim, { state: interactive ? 'failed' : 'needs_consent', error: why });
    }
    const verified = await post('/v1/identity/verify', { code, redirectUri, nonce: challenge.nonce });
    if (!verified.ok) return say(claim, { state: 'failed', error: await backendError(verified) });
    await remember(IdentityVerifyResponse.parse(await verified.json()).verified);
  }

  const start = (claim: SlackIdentity, interactive: boolean): Promise<void> => {
    if (running) return running;
    running = run(claim, interactive)
      .catch((error) => say(claim, { state: 'failed', error: (error as Error).message }))
      .finally(() => (running = null));
    return running;
  };

  return {
    /** The Slack page named this user: verify it silently unless already verified. */
    async onClaim(claim: SlackIdentity): Promise<void> {
      await browser.storage.session.set({ [CLAIM_KEY]: claim });
      return start(claim, false);
    },
    /** The user clicked "Verify with Slack" in the popup. */
    async verifyNow(): Promise<void> {
      const claim = (await browser.storage.session.get(CLAIM_KEY))[CLAIM_KEY] as SlackIdentity | undefined;
      if (claim) return start(claim, true);
    },
  };
}

/** Only the extension's own pages (the popup) may ask for the interactive flow. */
export function listenForVerifyRequests(verifyNow: () => Promise<void>): void {
  browser.runtime.onMessage.addListener((message: unknown, sender) => {
    if ((message as { type?: unknown })?.type !== VERIFY_SLACK_MESSAGE) return undefined;
    if (sender.id !== browser.runtime.id || !sender.url?.startsWith(browser.runtime.getURL('/'))) return undefined;
    void verifyNow();
    return undefined;
  });
}
