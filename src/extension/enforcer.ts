/**
 * The enforcer: verifies a verdict with the keys pinned in managed policy, checks that it
 * is current and meant for this device or its session, ends the Slack session, tells the
 * user, and acknowledges with timings. Executing the same verdict twice does nothing
 * the second time but acknowledge again (the first acknowledgement may have been lost).
 * Issue #12: once the cookies are gone (the clear never waits for Slack), it signs the
 * session out at Slack and the ack, sent when that settles, says how it went.
 * Issue #17: from the clear until the ack is queued the termination is `unfinished`: the
 * `d` it cleared and the hosts are held in memory that outlives the worker (storage.session),
 * so when the worker is killed in between, the redelivered verdict finishes the job (signs
 * out with that `d`, clears site data, tells the user) instead of only saying "done before".
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
  /** Clears Slack's cookies; `beforeRemoving` gets `d` as read, before anything is removed. */
  clearCookies: ClearCookies;
  /**
   * Starts listing what a clear removes, removing nothing, and returns the clear that uses
   * that listing (absent: `clearCookies` lists when it runs).
   */
  prepareClear?: () => ClearCookies;
  /** Issue #12: ends the session at Slack with the `d` just cleared (absent: not attempted). */
  signOut?: (sessionCookie: string | null) => SignoutRun;
  afterClear: (payload: VerdictPayload, hosts: string[]) => Promise<void>;
  acknowledge: (ack: VerdictAck) => Promise<void>;
  now?: () => number;
  /** The backend's clock as the device knows it (server-clock.ts), for the expiry check; default `now`. */
  serverNow?: () => number;
  /** Terminations cleared but not yet acknowledged (absent: a killed worker's are not resumed). */
  unfinished?: UnfinishedTerminations;
}

export type ClearCookies = (
  beforeRemoving?: (sessionCookie: string | null) => Promise<void>,
) => Promise<{ cleared: number; hosts: string[]; sessionCookie?: string | null; sessionEndedAt?: number | null }>;

export interface UnfinishedTermination {
  /** The `d` the clear took, for the sign-out at Slack; null when there was none. */
  sessionCookie: string | null;
  hosts: string[];
}

/** Memory that outlives a service worker but not the browser (storage.session). */
export interface UnfinishedTerminations {
  hold(verdictId: string, termination: UnfinishedTermination): Promise<void>;
  get(verdictId: string): Promise<UnfinishedTermination | null>;
  release(verdictId: string): Promise<void>;
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
  /** Set by the clear: when no `d` was left here (the ack's `sessionEndedAt`). */
  let sessionEndedAt: number | undefined;

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
      timings: {
        receivedAt,
        verifiedAt,
        ...(sessionEndedAt !== undefined ? { sessionEndedAt } : {}),
        clearedAt,
        ackSentAt: now(),
      },
      ...(slackSignout ? { slackSignout } : {}),
    });
    return { outcome, detail };
  };

  if (inFlight.has(payload.id)) return { outcome: 'already_executed', detail: 'in progress' };
  // Marked before the first await, so a second delivery arriving meanwhile waits its turn.
  inFlight.add(payload.id);
  try {
    // Independent reads, side by side (issue #16: each is a hop to IndexedDB or storage),
    // the cookies the clear will remove among them; a verdict refused below discards them.
    const clearCookies = deps.prepareClear?.() ?? deps.clearCookies;
    const [previous, earlier, sessionKey] = await Promise.all([
      deps.db.get('executed', payload.id),
      deps.unfinished?.get(payload.id) ?? null,
      deps.currentSessionKey(),
    ]);
    if (previous) {
      if (!earlier) return await ack('already_executed', 0, verifiedAt);
      // A worker died between the clear and the ack: finish what it started.
      return await finish(earlier, (slackSignout) =>
        ack('already_executed', previous.cookiesCleared, verifiedAt, 'finished after a restart', slackSignout),
      );
    }

    // On the backend's clock: a device whose own clock runs ahead must not find verdicts expired.
    if (payload.expiresAt + EXPIRY_SKEW_MS < (deps.serverNow ?? now)())
      return await ack('rejected', 0, verifiedAt, 'expired');
    const forThisDevice = payload.target.deviceId === deps.deviceId();
    const forThisSession = payload.target.sessionKey !== null && payload.target.sessionKey === sessionKey;
    if (!forThisDevice && !forThisSession) return await ack('rejected', 0, verifiedAt, 'not for this device');

    // A worker killed before it recorded the verdict cleared the cookies already: its `d` is held.
    const hold = (d: string | null) =>
      deps.unfinished?.hold(payload.id, {
        sessionCookie: d ?? earlier?.sessionCookie ?? null,
        hosts: earlier?.hosts ?? [],
      }) ?? Promise.resolve();
    const {
      cleared,
      hosts: clearedHosts,
      sessionCookie: taken = null,
      sessionEndedAt: ended = null,
    } = await clearCookies(hold);
    const clearedAt = now();
    // Between the checks and the end of the clear, on this function's clock.
    if (ended !== null) sessionEndedAt = Math.min(clearedAt, Math.max(verifiedAt, ended));
    const sessionCookie = taken ?? earlier?.sessionCookie ?? null;
    const hosts = [...new Set([...clearedHosts, ...(earlier?.hosts ?? [])])];
    await deps.unfinished?.hold(payload.id, { sessionCookie, hosts });
    await deps.db.put('executed', {
      id: payload.id,
      executedAt: clearedAt,
      reasons: payload.reasons,
      cookiesCleared: cleared,
    });
    return await finish({ sessionCookie, hosts }, (slackSignout) =>
      ack('executed', cleared, clearedAt, undefined, slackSignout),
    );
  } finally {
    inFlight.delete(payload.id);
  }

  /** After the clear: sign out at Slack and clear site data, then acknowledge with `acknowledge`. */
  async function finish(
    { sessionCookie, hosts }: UnfinishedTermination,
    acknowledge: (slackSignout?: SlackSignout) => Promise<{ outcome: Outcome; detail?: string }>,
  ) {
    let result: { outcome: Outcome; detail?: string };
    if (!deps.signOut) {
      // Acknowledge before the slower clean-up: the session is already unusable here.
      result = await acknowledge();
      await deps.afterClear(payload, hosts);
    } else {
      const signout = deps.signOut(sessionCookie);
      // The page's token is read before site data (which holds it) is cleared.
      await signout.captured;
      const [slackSignout] = await Promise.all([
        signout.result,
        deps.afterClear(payload, hosts).catch(() => undefined),
      ]);
      result = await acknowledge(slackSignout);
    }
    await deps.unfinished?.release(payload.id);
    return result;
  }
}
