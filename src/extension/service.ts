/**
 * The service: turns a valid managed policy into a running guard (active-guard.ts) and
 * back to idle when the policy goes away. Collectors are registered synchronously at
 * start-up (an MV3 requirement) and feed the sink, which drops everything while idle: an
 * unconfigured extension reports nothing.
 */
import { browser } from 'wxt/browser';
import { keyedHash } from '@/src/shared/crypto/signing';
import { importVerdictKeyRing, policyVerdictKeys } from '@/src/shared/crypto/verdict-keys';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import { ActiveGuard } from './active-guard';
import { watchApiCalls } from './collectors/api-calls';
import { watchDownloads } from './collectors/downloads';
import { watchSessionCookie } from './collectors/session-cookie';
import { watchSlackIdentity } from './collectors/slack-identity';
import { fingerprintSource } from './fingerprint/fingerprint-source';
import { localCapFrom } from './local-cap';
import { openLocalDb } from './local-db';
import { onPolicyChanged, policySourceText, readPolicy } from './policy-source';
import { storageSessionState } from './session-state';
import { createSessionVault } from './session-vault/session-vault';
import { createSlackVerification, listenForVerifyRequests } from './slack-verification';
import { createSink } from './signal-sink';
import { updateStatus } from './status';
import { openExplanationOnClick } from './termination';
import { listenForFeedback } from './verdict-feedback';

const TICK_ALARM = 'session-guard-tick';

export function startSessionGuard(): void {
  const version = browser.runtime.getManifest().version;
  const sessionState = storageSessionState();
  const fingerprints = fingerprintSource();
  let active: ActiveGuard | null = null;
  let activation: Promise<ActiveGuard | null> = Promise.resolve(null);

  // Events that wake the worker arrive before the policy is read: they wait for the
  // refresh in flight rather than see the initial idle state and be dropped.
  let refreshing = Promise.resolve();
  const current = async () => {
    await refreshing;
    return activation;
  };

  const hash = async (value: string) => {
    const guard = await current();
    if (!guard) throw new Error('idle');
    return keyedHash((await guard.enrolled).sessionKeySecret, value);
  };
  const sink = createSink({ current, sessionState, fingerprint: () => fingerprints.get() });

  const activate = async (policy: ManagedPolicy, policyText: string): Promise<ActiveGuard | null> => {
    let verdictKey: CryptoKey[];
    try {
      verdictKey = await importVerdictKeyRing(policyVerdictKeys(policy));
    } catch (error) {
      await updateStatus({ policy: 'invalid', problems: [(error as Error).message] });
      return null;
    }
    await updateStatus({
      policy: 'ok',
      policySource: policySourceText(),
      problems: [],
      backendUrl: policy.backendUrl,
      revoked: false,
      localCap: describeLocalCap(policy),
    });
    const guard = new ActiveGuard(policy, policyText, await openLocalDb(), verdictKey, {
      version,
      sessionState,
      sink,
      hash,
      vault,
    });
    // Keep a running schedule: a background woken every few seconds (Firefox's event page
    // by Slack traffic) would otherwise push the tick, and the poll with it, forever back.
    const periodInMinutes = Math.max(0.5, (policy.pollIntervalSeconds ?? 60) / 60);
    if ((await browser.alarms.get(TICK_ALARM))?.periodInMinutes !== periodInMinutes)
      await browser.alarms.create(TICK_ALARM, { periodInMinutes });
    void fingerprints.get().catch(() => undefined); // warm it before the first signal needs it
    return guard;
  };

  const refresh = async () => {
    const state = await readPolicy();
    const text = state.status === 'ok' ? JSON.stringify(state.policy) : '';
    if (active && active.policyText === text) return;
    active?.stop();
    if (state.status !== 'ok') {
      active = null;
      activation = Promise.resolve(null);
      await browser.alarms.clear(TICK_ALARM);
      await updateStatus({
        policy: state.status,
        policySource: policySourceText(),
        problems: state.status === 'invalid' ? state.problems : [],
        connected: false,
        enrolled: false,
      });
      return;
    }
    activation = activate(state.policy, text);
    active = await activation;
  };

  const scheduleRefresh = () => (refreshing = refreshing.then(refresh).catch(() => undefined));

  // Listeners first, synchronously: events that woke the worker are delivered to them.
  let collector: ReturnType<typeof watchSessionCookie> | undefined;
  const vault = createSessionVault({ sessionChanged: (value) => collector?.sessionChanged(value) });
  collector = watchSessionCookie(sink, sessionState, hash, vault);
  watchDownloads(sink);
  const verification = createSlackVerification(current);
  watchSlackIdentity(sink, (identity) => void verification.onClaim(identity));
  listenForVerifyRequests(() => verification.verifyNow());
  watchApiCalls(sink);
  openExplanationOnClick();
  listenForFeedback(current);
  onPolicyChanged(scheduleRefresh);
  // Chromium starts an MV3 worker at browser start only for an onStartup listener; without
  // one the guard would sleep until the first Slack event, with no verdict stream open and
  // the outbox unsent. Its body is empty: starting the worker runs everything above.
  browser.runtime.onStartup.addListener(() => undefined);
  // An update the browser downloaded applies only once the worker is idle, which a guard
  // holding a WebSocket never is: apply it now. The outbox lives in IndexedDB, so a reload
  // loses nothing; a short flush first lets the backend hear from this version promptly.
  browser.runtime.onUpdateAvailable.addListener(() => {
    void (async () => {
      const guard = await activation;
      await Promise.race([guard?.outbox.flush(), new Promise((resolve) => setTimeout(resolve, 3_000))]);
      browser.runtime.reload();
    })();
  });
  browser.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name !== TICK_ALARM) return;
    await scheduleRefresh();
    const guard = await activation;
    if (guard && !guard.stopped) await guard.tick();
  });
  void updateStatus({ backgroundStartedAt: Date.now() });
  // Managed storage can read {} for seconds after a (force-)install; re-read until it arrives.
  void scheduleRefresh().then(() => retryUntilConfigured(scheduleRefresh, () => active !== null));
}

function describeLocalCap(policy: ManagedPolicy): string | null {
  const cap = localCapFrom(policy);
  if (!cap) return null;
  const limits = [
    cap.maxFiles !== null ? `${cap.maxFiles} Slack files` : null,
    cap.maxBytes !== null ? `${Math.round(cap.maxBytes / 1_048_576)} MB of Slack files` : null,
  ].filter(Boolean);
  const minutes =
    cap.windowSeconds >= 120 ? `${Math.round(cap.windowSeconds / 60)} minutes` : `${cap.windowSeconds} seconds`;
  return `more than ${limits.join(' or ')} in ${minutes} end the session here when the server cannot be reached`;
}

function retryUntilConfigured(refresh: () => Promise<void>, configured: () => boolean): void {
  let tries = 0;
  const timer = setInterval(() => {
    if (configured() || ++tries > 30) clearInterval(timer);
    else void refresh();
  }, 2_000);
}
