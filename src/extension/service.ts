/**
 * The service: turns a valid managed policy into a running guard (device key enrolled,
 * outbox draining, verdict stream open, poll alarm set) and back to idle when the policy
 * goes away. Collectors are registered synchronously at start-up (an MV3 requirement) and
 * feed the sink, which drops everything while idle: an unconfigured extension reports nothing.
 */
import { browser } from 'wxt/browser';
import { importSpkiPublicKey, keyedHash } from '@/src/shared/crypto/signing';
import { Signal, type SignedVerdict, type VerdictAck } from '@/src/shared/protocol';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import { backendClient } from './backend-client';
import { reportCurrentSession, watchSessionCookie } from './collectors/session-cookie';
import { watchDownloads } from './collectors/downloads';
import type { SignalDraft, SignalSink } from './collectors/types';
import { enroll, isEnrolledWith, loadOrCreateIdentity, signText, type Enrolled } from './device-identity';
import { executeVerdict } from './enforcer';
import { openLocalDb, type LocalDb } from './local-db';
import { Outbox, backoffDelay, type OutboxSender } from './outbox';
import { onPolicyChanged, readPolicy } from './policy-source';
import { storageSessionState } from './session-state';
import { clearSlackCookies } from './slack-session';
import { afterTermination } from './termination';
import { updateStatus } from './status';
import { VerdictStream, streamUrl } from './verdict-stream';

const TICK_ALARM = 'session-guard-tick';

interface Active {
  policy: ManagedPolicy;
  policyText: string;
  db: LocalDb;
  outbox: Outbox;
  verdictKey: CryptoKey;
  enrolled: Promise<Enrolled>;
  client?: ReturnType<typeof backendClient>;
  stream?: VerdictStream;
  stopped: boolean;
}

export function startSessionGuard(): void {
  const version = browser.runtime.getManifest().version;
  const sessionState = storageSessionState();
  let active: Active | null = null;
  let activation: Promise<Active | null> = Promise.resolve(null);

  const hash = async (value: string) => {
    const current = await activation;
    if (!current) throw new Error('idle');
    return keyedHash((await current.enrolled).sessionKeySecret, value);
  };

  const sink: SignalSink = {
    record(draft: SignalDraft, options = {}) {
      const at = Date.now();
      void (async () => {
        const current = await activation;
        if (!current || current.stopped) return;
        const sessionKey = options.sessionKey !== undefined ? options.sessionKey : (await sessionState.get()).sessionKey;
        const signal = Signal.parse({ ...draft, id: crypto.randomUUID(), at, sessionKey });
        await current.outbox.addSignal(signal, options.urgent ?? false);
      })().catch((error) => console.warn('session-guard: signal not recorded:', (error as Error).message));
    },
  };

  const onVerdict = async (current: Active, verdict: SignedVerdict, via: VerdictAck['via']) => {
    const identity = await current.enrolled;
    const result = await executeVerdict(
      {
        db: current.db,
        verdictKey: async () => current.verdictKey,
        deviceId: () => identity.deviceId,
        currentSessionKey: async () => (await sessionState.get()).sessionKey,
        clearCookies: clearSlackCookies,
        afterClear: (payload, hosts) => afterTermination(payload, hosts),
        acknowledge: (ack) => current.outbox.addAck(ack),
      },
      verdict,
      via,
    );
    if (result.outcome === 'executed') await sessionState.setSessionKey(null);
  };

  const poll = async (current: Active) => {
    if (!current.client) return;
    try {
      for (const verdict of await current.client.poll()) await onVerdict(current, verdict, 'poll');
    } catch (error) {
      await updateStatus({ lastError: `verdict poll failed: ${(error as Error).message}` });
    }
  };

  const activate = async (policy: ManagedPolicy, policyText: string): Promise<Active | null> => {
    let verdictKey: CryptoKey;
    try {
      verdictKey = await importSpkiPublicKey(policy.verdictPublicKey);
    } catch {
      await updateStatus({ policy: 'invalid', problems: ['verdictPublicKey is not a P-256 public key'] });
      return null;
    }
    const db = await openLocalDb();
    const sender: OutboxSender = {
      sendSignals: (signals) => current.client?.sendSignals(signals) ?? Promise.resolve('retry'),
      sendAck: (ack) => current.client?.sendAck(ack) ?? Promise.resolve('retry'),
    };
    const outbox = new Outbox({ db, sender, flushDelayMs: (policy.flushIntervalSeconds ?? 5) * 1000 });
    const current: Active = { policy, policyText, db, outbox, verdictKey, enrolled: null!, stopped: false };
    current.enrolled = enrollUntilDone(current, version).then((identity) => {
      connect(current, identity);
      return identity;
    });
    await updateStatus({ policy: 'ok', problems: [], backendUrl: policy.backendUrl });
    await browser.alarms.create(TICK_ALARM, { periodInMinutes: Math.max(0.5, (policy.pollIntervalSeconds ?? 60) / 60) });
    return current;
  };

  const connect = (current: Active, identity: Enrolled) => {
    if (current.stopped) return;
    current.client = backendClient({
      backendUrl: current.policy.backendUrl,
      identity,
      extensionVersion: version,
      onUnknownDevice: () => void reenroll(current),
      onResult: (ok, error) =>
        void updateStatus(ok ? { lastReportAt: Date.now(), lastError: null } : { lastError: error ?? null }),
    });
    current.stream = new VerdictStream({
      url: streamUrl(current.policy.backendUrl),
      deviceId: identity.deviceId,
      signText: (text) => signText(identity, text),
      onVerdict: (verdict) => void onVerdict(current, verdict, 'websocket'),
      onConnected: (connected) => void updateStatus({ connected }),
    });
    current.stream.ensure();
    void reportCurrentSession(sink, sessionState, hash).catch(() => undefined);
    void current.outbox.flush();
    void poll(current);
  };

  const reenroll = async (current: Active) => {
    const identity = await loadOrCreateIdentity(current.db);
    await current.db.put('identity', { id: 'device', keyPair: identity.keyPair });
    current.stream?.close();
    current.client = undefined;
    current.enrolled = enrollUntilDone(current, version).then((fresh) => {
      connect(current, fresh);
      return fresh;
    });
  };

  const refresh = async () => {
    const state = await readPolicy();
    const text = state.status === 'ok' ? JSON.stringify(state.policy) : '';
    if (active && active.policyText === text) return;
    if (active) {
      active.stopped = true;
      active.stream?.close();
    }
    if (state.status !== 'ok') {
      active = null;
      activation = Promise.resolve(null);
      await browser.alarms.clear(TICK_ALARM);
      await updateStatus({
        policy: state.status,
        problems: state.status === 'invalid' ? state.problems : [],
        connected: false,
        enrolled: false,
      });
      return;
    }
    activation = activate(state.policy, text);
    active = await activation;
  };

  let refreshing = Promise.resolve();
  const scheduleRefresh = () => (refreshing = refreshing.then(refresh).catch(() => undefined));

  // Listeners first, synchronously: events that woke the worker are delivered to them.
  watchSessionCookie(sink, sessionState, hash);
  watchDownloads(sink);
  onPolicyChanged(scheduleRefresh);
  browser.alarms.onAlarm.addListener(async (alarm) => {
    if (alarm.name !== TICK_ALARM) return;
    await scheduleRefresh();
    const current = await activation;
    if (!current) return;
    current.stream?.ensure();
    sink.record({ type: 'heartbeat' });
    await poll(current);
    await current.outbox.flush();
    await updateStatus({ pendingSignals: await current.outbox.pending() });
  });
  // Managed storage can read {} for seconds after a (force-)install; re-read until it arrives.
  void scheduleRefresh().then(() => retryUntilConfigured(scheduleRefresh, () => active !== null));
}

async function enrollUntilDone(current: Active, version: string): Promise<Enrolled> {
  for (let attempt = 1; ; attempt++) {
    const identity = await loadOrCreateIdentity(current.db);
    if (isEnrolledWith(identity, current.policy)) {
      await updateStatus({ enrolled: true });
      return identity;
    }
    try {
      const enrolled = await enroll(current.db, identity, current.policy, version);
      await updateStatus({ enrolled: true, lastError: null });
      return enrolled;
    } catch (error) {
      await updateStatus({ enrolled: false, lastError: (error as Error).message });
      await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      if (current.stopped) return new Promise(() => undefined);
    }
  }
}

function retryUntilConfigured(refresh: () => Promise<void>, configured: () => boolean): void {
  let tries = 0;
  const timer = setInterval(() => {
    if (configured() || ++tries > 30) clearInterval(timer);
    else void refresh();
  }, 2_000);
}
