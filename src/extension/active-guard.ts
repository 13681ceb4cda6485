/**
 * The guard while a valid policy is in force: the device key enrolled (and rotated when
 * due), the outbox draining, the verdict stream open, the poll and heartbeat driven by the
 * alarm tick, and local caps applied while the backend cannot decide. A 403 from the
 * backend (revoked key) stops it talking to the backend, not from protecting locally.
 */
import { serverNow } from './server-clock';
import { unfinishedTerminations } from './unfinished-terminations';
import type { ManagedPolicy } from '@/src/shared/policy/managed-policy';
import type { Signal, SignedDeviceSettings, SignedVerdict, VerdictAck } from '@/src/shared/protocol';
import { backendClient } from './backend-client';
import { reportCurrentSession, type SessionState } from './collectors/session-cookie';
import type { SignalSink } from './collectors/types';
import { enroll, isEnrolledWith, loadOrCreateIdentity, RevokedError, signText, type Enrolled } from './device-identity';
import { acceptDeviceSettings, currentDeviceSettings } from './device-settings';
import { executeVerdict } from './enforcer';
import { PendingApprovalError, pendingRetryDelay, RetryLaterError } from './enrollment-refusal';
import { claimHeartbeat } from './heartbeat';
import { rotateKey, rotationDue } from './key-rotation';
import { localCapFrom, type Breach } from './local-cap';
import type { LocalDb } from './local-db';
import { LocalEnforcer } from './local-enforcement';
import { Outbox, backoffDelay, type OutboxSender } from './outbox';
import { clearSlackCookies, listSlackCookies, type SlackCookies } from './slack-session';
import type { SessionVault } from './session-vault/session-vault';
import { startSignout } from './slack-signout';
import { callSlack, readSlackTokens } from './slack-signout-requests';
import { updateStatus } from './status';
import { afterTermination, type SupportInfo } from './termination';
import { setSignedUninstallUrl } from './uninstall-url';
import { VerdictStream, streamUrl } from './verdict-stream';

export interface GuardEnv {
  version: string;
  sessionState: SessionState;
  sink: SignalSink;
  hash: (value: string) => Promise<string>;
  /** Issue #13: keeps `d` out of the cookie store when the org's settings say so. */
  vault?: SessionVault;
}

const never = <T>() => new Promise<T>(() => undefined);

export class ActiveGuard {
  readonly outbox: Outbox;
  readonly local: LocalEnforcer | null;
  enrolled: Promise<Enrolled>;
  stopped = false;
  revoked = false;
  private client?: ReturnType<typeof backendClient>;
  private stream?: VerdictStream;
  private pendingReport: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly policy: ManagedPolicy,
    readonly policyText: string,
    readonly db: LocalDb,
    private readonly verdictKey: readonly CryptoKey[],
    private readonly env: GuardEnv,
  ) {
    const sender: OutboxSender = {
      sendSignals: (signals) => this.client?.sendSignals(signals) ?? Promise.resolve('retry'),
      sendAck: (ack) => this.client?.sendAck(ack) ?? Promise.resolve('retry'),
    };
    this.outbox = new Outbox({ db, sender, flushDelayMs: (policy.flushIntervalSeconds ?? 5) * 1000 });
    const cap = localCapFrom(policy);
    this.local = cap
      ? new LocalEnforcer({
          cap,
          backendUnreachable: () => this.outbox.failing,
          enforce: (b) => this.enforceLocally(b),
        })
      : null;
    this.enrolled = this.enrollThenConnect();
    void this.applyVault();
  }

  /** Issue #13: the vault follows the verified device settings (off until they say otherwise). */
  private async applyVault(): Promise<void> {
    if (!this.env.vault || this.stopped) return;
    await this.env.vault.apply((await currentDeviceSettings(this.verdictKey)).sessionVault);
  }

  /** Every Slack cookie in the store, then the vault's `d` (issue #13): a verdict empties both. */
  private readonly clearSession = async (
    beforeRemoving?: (sessionCookie: string | null) => Promise<void>,
    listed?: Promise<SlackCookies>,
  ) => {
    // The vault's `d` is handed on with the store's, before either is removed; it is read
    // while the cookie store is listed, not before (issue #16: every hop here is latency).
    const vault = this.env.vault;
    const vaultedNow = beforeRemoving ? (vault?.current() ?? null) : null;
    vaultedNow?.catch(() => undefined); // awaited below; a failure there fails the clear, as before
    // Once `d` is handed on, the vault empties while the store's cookies are removed.
    let vaultCleared: Promise<{ value: string | null; at: number }> | undefined;
    const store = await clearSlackCookies(async (d) => {
      await beforeRemoving?.(d ?? (await vaultedNow) ?? null);
      vaultCleared = vault?.clear().then((value) => ({ value, at: Date.now() }));
      vaultCleared?.catch(() => undefined); // awaited below
    }, listed);
    const { value: vaulted = null, at: vaultedAt = null } = (await vaultCleared) ?? {};
    // The session ended here once no `d` was left: in the store, and in the vault if it held one.
    const ends = [store.sessionRemovedAt, vaulted ? vaultedAt : null].filter((t): t is number => t !== null);
    return {
      cleared: store.cleared + (vaulted ? 1 : 0),
      hosts: vaulted && !store.hosts.includes('.slack.com') ? [...store.hosts, '.slack.com'] : store.hosts,
      sessionCookie: store.sessionCookie ?? vaulted,
      sessionEndedAt: ends.length > 0 ? Math.max(...ends) : null,
    };
  };

  get support(): SupportInfo {
    return { supportUrl: this.policy.supportUrl, supportContact: this.policy.supportContact };
  }

  stop(): void {
    this.stopped = true;
    this.stream?.close();
  }

  /** A signal from the sink: into the outbox first, then local caps for downloads. */
  async accept(signal: Signal, urgent: boolean): Promise<void> {
    await this.outbox.addSignal(signal, urgent);
    this.reportPendingSoon();
    if (signal.type !== 'download' || !this.local) return;
    await this.local.observe(signal.at, signal.bytes);
    await this.outbox.flush();
    await this.local.check();
  }

  /** The alarm tick: reconnect, heartbeat, poll, rotate when due, flush, report. */
  async tick(): Promise<void> {
    this.stream?.ensure();
    await this.heartbeatIfDue();
    await this.poll();
    await this.rotateIfDue();
    await this.outbox.flush();
    await this.local?.check();
    await updateStatus({ pendingSignals: await this.outbox.pending() });
  }

  async poll(): Promise<void> {
    if (!this.client) return;
    try {
      for (const verdict of await this.client.poll()) await this.onVerdict(verdict, 'poll');
      await updateStatus({ reachable: true });
    } catch (error) {
      await updateStatus({ lastError: `verdict poll failed: ${(error as Error).message}` });
    }
  }

  private async onVerdict(verdict: SignedVerdict, via: VerdictAck['via']): Promise<void> {
    const identity = await this.enrolled;
    const result = await executeVerdict(
      {
        db: this.db,
        verdictKey: async () => this.verdictKey,
        deviceId: () => identity.deviceId,
        currentSessionKey: async () => (await this.env.sessionState.get()).sessionKey,
        clearCookies: this.clearSession,
        prepareClear: () => {
          const listed = listSlackCookies();
          listed.catch(() => undefined); // awaited by the clear, if the verdict gets that far
          return (beforeRemoving) => this.clearSession(beforeRemoving, listed);
        },
        signOut: (sessionCookie) =>
          startSignout(
            {
              enabled: async () => (await currentDeviceSettings(this.verdictKey)).deviceSignout,
              readTokens: readSlackTokens,
              call: callSlack,
            },
            sessionCookie,
          ),
        afterClear: (payload, hosts) =>
          afterTermination({ id: payload.id, reasons: payload.reasons }, hosts, this.support),
        acknowledge: (ack) => this.outbox.addAck(ack),
        serverNow,
        unfinished: unfinishedTerminations,
      },
      verdict,
      via,
    );
    if (result.outcome === 'executed') await this.env.sessionState.setSessionKey(null);
  }

  /** Issue #12: signed device settings from the stream or the poll; kept only if verified and newer. */
  private async onSettings(settings: SignedDeviceSettings): Promise<void> {
    const result = await acceptDeviceSettings(this.verdictKey, settings);
    if (result === 'rejected') await updateStatus({ lastError: 'device settings with a bad signature were ignored' });
    if (result === 'applied') await this.applyVault();
  }

  private async enforceLocally(breach: Breach): Promise<void> {
    const { sessionKey } = await this.env.sessionState.get();
    const { cleared, hosts } = await this.clearSession();
    await this.env.sessionState.setSessionKey(null);
    const verdictId = crypto.randomUUID();
    const reasons = ['excessive_downloads'] as const;
    await this.env.sink.record(
      {
        type: 'local_verdict',
        verdictId,
        reasons: [...reasons],
        ...breach,
        executedAt: Date.now(),
        cookiesCleared: cleared,
      },
      { urgent: true, sessionKey },
    );
    await afterTermination({ id: verdictId, reasons: [...reasons], local: true }, hosts, this.support);
  }

  private async enrollThenConnect(): Promise<Enrolled> {
    const identity = await this.enrollUntilDone();
    const current = await this.rotated(identity);
    this.connect(current);
    return current;
  }

  private async enrollUntilDone(): Promise<Enrolled> {
    for (let attempt = 1; ; attempt++) {
      const identity = await loadOrCreateIdentity(this.db);
      if (isEnrolledWith(identity, this.policy)) {
        await updateStatus({ enrolled: true });
        return identity;
      }
      try {
        const enrolled = await enroll(this.db, identity, this.policy, this.env.version);
        await updateStatus({
          enrolled: true,
          revoked: false,
          pendingApproval: false,
          lastError: null,
          reachable: true,
        });
        return enrolled;
      } catch (error) {
        if (error instanceof RevokedError) {
          this.markRevoked(error.rejected);
          return never();
        }
        // Waiting for an administrator is not an error: say so, and ask again calmly.
        const pending = error instanceof PendingApprovalError;
        await updateStatus(
          pending
            ? { enrolled: false, pendingApproval: true, reachable: true, lastError: null }
            : { enrolled: false, lastError: (error as Error).message },
        );
        const wait = pending
          ? pendingRetryDelay(Math.random, this.policy.pollIntervalSeconds)
          : Math.max(backoffDelay(attempt), error instanceof RetryLaterError ? error.retryAfterMs : 0);
        await new Promise((resolve) => setTimeout(resolve, wait));
        if (this.stopped) return never();
      }
    }
  }

  private async rotated(identity: Enrolled): Promise<Enrolled> {
    if (!rotationDue(identity, this.policy, Date.now())) return identity;
    const outcome = await rotateKey(this.db, identity, this.policy.backendUrl);
    if (outcome.status === 'rotated') return outcome.identity;
    if (outcome.status === 'revoked') this.markRevoked();
    else await updateStatus({ lastError: outcome.error });
    return identity;
  }

  private async rotateIfDue(): Promise<void> {
    if (!this.client) return;
    const before = await this.enrolled;
    const after = await this.rotated(before);
    if (after === before) return;
    this.enrolled = Promise.resolve(after);
    this.stream?.close();
    this.connect(after);
  }

  private connect(identity: Enrolled): void {
    if (this.stopped || this.revoked) return;
    this.client = backendClient({
      backendUrl: this.policy.backendUrl,
      identity,
      extensionVersion: this.env.version,
      onUnknownDevice: () => void this.reenroll(),
      onRevoked: () => this.markRevoked(),
      onResult: ({ ok, reachable, error }) => {
        void updateStatus(
          ok ? { lastReportAt: Date.now(), lastError: null, reachable } : { lastError: error ?? null, reachable },
        );
        this.reportPendingSoon();
        if (!ok) void this.local?.check();
      },
      onSettings: (settings) => void this.onSettings(settings),
    });
    this.stream = new VerdictStream({
      url: streamUrl(this.policy.backendUrl),
      deviceId: identity.deviceId,
      signText: (text) => signText(identity, text),
      onVerdict: (verdict) => void this.onVerdict(verdict, 'websocket'),
      onSettings: (settings) => void this.onSettings(settings),
      onConnected: (connected) => void updateStatus({ connected }),
    });
    this.stream.ensure();
    void setSignedUninstallUrl(identity, this.policy.backendUrl).catch(() => undefined);
    void reportCurrentSession(this.env.sink, this.env.sessionState, this.env.hash, this.env.vault).catch(
      () => undefined,
    );
    void this.heartbeatIfDue();
    void this.outbox.flush();
    void this.poll();
  }

  /** The popup's "waiting to send" count, at most twice a second. */
  private reportPendingSoon(): void {
    if (this.pendingReport) return;
    this.pendingReport = setTimeout(() => {
      this.pendingReport = undefined;
      void this.outbox.pending().then((pendingSignals) => updateStatus({ pendingSignals }));
    }, 500);
  }

  private async heartbeatIfDue(): Promise<void> {
    if (this.client && (await claimHeartbeat(Date.now()))) await this.env.sink.record({ type: 'heartbeat' });
  }

  private async reenroll(): Promise<void> {
    const identity = await loadOrCreateIdentity(this.db);
    await this.db.put('identity', { id: 'device', keyPair: identity.keyPair });
    this.stream?.close();
    this.client = undefined;
    this.enrolled = this.enrollThenConnect();
  }

  private markRevoked(rejected = false): void {
    if (this.revoked) return;
    this.revoked = true;
    this.stream?.close();
    this.client = undefined;
    void updateStatus({
      revoked: true,
      pendingApproval: false,
      connected: false,
      lastError: rejected
        ? 'Your administrator declined this browser; it does not report to them.'
        : 'Your security team revoked this browser’s Session Guard key; it no longer reports to them.',
    });
  }
}
