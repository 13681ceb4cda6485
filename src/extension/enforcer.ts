/**
 * The enforcer: verifies a verdict with the keys pinned in managed policy, checks that it
 * is current and meant for this device or its session, ends the Slack session, tells the
 * user, and acknowledges with timings. Executing the same verdict twice does nothing
 * the second time but acknowledge again (the first acknowledgement may have been lost).
 * Issue #12: once the cookies are gone (the clear never waits for Slack), it signs the
 * session out at Slack and the ack, sent when that settles, says how it went.
 */
import { verifyWithAny } from '@/src/shared/crypto/verdict-keys';
import { VerdictPayload, type SignedVerdict, type SlackSignout, type VerdictAck } from '@/src/shared/protocol';
import type { LocalDb } from './local-db';
import type { SignoutRun } from './slack-signout';

/** Clock difference tolerated between backend and device when checking expiry. */
const EXPIRY_SKEW_MS = 60_000;

export interface EnforcerDeps {
  db: LocalDb;
  /** Every key managed policy pins (verdictPublicKey and verdictPublicKeys): any may sign. */
  verdictKey: () => Promise<CryptoKey | readonly CryptoKey[]>;
  deviceId: () => string;
  currentSessionKey: () => Promise<string | null>;
  clearCookies: () => Promise<{ cleared: number; hosts: string[]; sessionCookie?: string | null }>;
  /** Issue #12: ends the session at Slack with the `d` just cleared (absent: not attempted). */
  signOut?: (sessionCookie: string | null) => SignoutRun;
  afterClear: (payload: VerdictPayload, hosts: string[]) => Promise<void>;
  acknowledge: (ack: VerdictAck) => Promise<void>;
  now?: () => number;
  /** The backend's clock as the device knows it (server-clock.ts), for the expiry check; default `now`. */
  serverNow?: () => number;
}

export type Outcome = VerdictAck['outcome'];

/**
 * Verdicts being executed in this worker: a second delivery (stream and poll both) while
 * the sign-out runs must not acknowledge `already_executed` first, since the backend
 * keeps the first ack it receives.
 */
const inFlight = new Set<string>();

export async function executeVerdict(
  deps: EnforcerDeps,
  signed: SignedVerdict,
  via: VerdictAck['via'],
): Promise<{ outcome: Outcome; detail?: string }> {
  const now = deps.now ?? Date.now;
  const receivedAt = now();

  if (!(await verifyWithAny(await deps.verdictKey(), signed.signature, signed.payload))) {
    // Not from our backend: nothing to acknowledge, since nothing in it can be trusted.
    return { outcome: 'rejected', detail: 'bad signature' };
  }
  let payload: VerdictPayload;
  try {
    payload = VerdictPayload.parse(JSON.parse(signed.payload));
  } catch {
    return { outcome: 'rejected', detail: 'malformed payload' };
  }
  const verifiedAt = now();

  const ack = async (
    outcome: Outcome,
    cookiesCleared: number,
    clearedAt: number,
    detail?: string,
    slackSignout?: SlackSignout,
  ) => {
    await deps.acknowledge({
      deviceId: deps.deviceId(),
      verdictId: payload.id,
      nonce: crypto.randomUUID(),
      sentAt: now(),
      outcome,
      detail,
      via,
      cookiesCleared,
      timings: { receivedAt, verifiedAt, clearedAt, ackSentAt: now() },
      ...(slackSignout ? { slackSignout } : {}),
    });
    return { outcome, detail };
  };

  if (inFlight.has(payload.id)) return { outcome: 'already_executed', detail: 'in progress' };
  const previous = await deps.db.get('executed', payload.id);
  if (previous) return ack('already_executed', 0, verifiedAt);

  // On the backend's clock: a device whose own clock runs ahead must not find verdicts expired.
  if (payload.expiresAt + EXPIRY_SKEW_MS < (deps.serverNow ?? now)()) return ack('rejected', 0, verifiedAt, 'expired');
  const sessionKey = await deps.currentSessionKey();
  const forThisDevice = payload.target.deviceId === deps.deviceId();
  const forThisSession = payload.target.sessionKey !== null && payload.target.sessionKey === sessionKey;
  if (!forThisDevice && !forThisSession) return ack('rejected', 0, verifiedAt, 'not for this device');

  inFlight.add(payload.id);
  try {
    const { cleared, hosts, sessionCookie = null } = await deps.clearCookies();
    const clearedAt = now();
    await deps.db.put('executed', {
      id: payload.id,
      executedAt: clearedAt,
      reasons: payload.reasons,
      cookiesCleared: cleared,
    });
    if (!deps.signOut) {
      // Acknowledge before the slower clean-up: the session is already unusable here.
      const result = await ack('executed', cleared, clearedAt);
      await deps.afterClear(payload, hosts);
      return result;
    }
    const signout = deps.signOut(sessionCookie);
    // The page's token is read before site data (which holds it) is cleared.
    await signout.captured;
    const [slackSignout] = await Promise.all([signout.result, deps.afterClear(payload, hosts).catch(() => undefined)]);
    return await ack('executed', cleared, clearedAt, undefined, slackSignout);
  } finally {
    inFlight.delete(payload.id);
  }
}
