/**
 * The device side of the HTTP API: signed batches, acknowledgements and verdict polls,
 * mapped onto the outbox's three outcomes. A 401/404 means the backend no longer knows
 * this key (a reset database): the service re-enrolls and resends. A 403 means the key
 * was revoked (or rotated away): the service stops and says so; re-enrolling the same
 * key would be refused anyway.
 */
import {
  PollResponse,
  type Signal,
  type SignalBatch,
  type SignedDeviceSettings,
  type SignedVerdict,
  type VerdictAck,
} from '@/src/shared/protocol';
import type { Enrolled } from './device-identity';
import type { OutboxSender, SendResult } from './outbox';
import { serverClockOffset, serverNow } from './server-clock';
import { signedPost } from './signed-fetch';

export interface ClientDeps {
  backendUrl: string;
  identity: Enrolled;
  extensionVersion: string;
  onUnknownDevice: () => void;
  onRevoked: () => void;
  /** After each signal or ack send: `reachable` is false when no answer came back. */
  onResult: (result: { ok: boolean; reachable: boolean; error?: string }) => void;
  /** Issue #12: the signed device settings a poll answer carries (verified by the caller). */
  onSettings?: (settings: SignedDeviceSettings) => void;
}

export function classify(status: number): SendResult {
  if (status >= 200 && status < 300) return 'sent';
  if (status === 400 || status === 413 || status === 422) return 'reject';
  return 'retry';
}

export function backendClient(deps: ClientDeps): OutboxSender & { poll(): Promise<SignedVerdict[]> } {
  const { backendUrl, identity } = deps;
  const post = async (path: string, body: unknown | (() => unknown)): Promise<SendResult> => {
    try {
      const response = await signedPost(backendUrl, path, body, identity.keyPair.privateKey, identity.deviceId);
      if (response.status === 401 || response.status === 404) deps.onUnknownDevice();
      if (response.status === 403) deps.onRevoked();
      const result = classify(response.status);
      deps.onResult({
        ok: result === 'sent',
        reachable: response.status < 500,
        error: result === 'sent' ? undefined : `backend answered HTTP ${response.status}`,
      });
      return result;
    } catch (error) {
      deps.onResult({ ok: false, reachable: false, error: `backend unreachable: ${(error as Error).message}` });
      return 'retry';
    }
  };

  return {
    sendSignals(signals: Signal[]) {
      const batchId = crypto.randomUUID();
      // Signal times move onto the backend's clock with sentAt (server-clock.ts); ids stay.
      const batch = (): SignalBatch => {
        const offset = serverClockOffset();
        return {
          deviceId: identity.deviceId,
          batchId,
          sentAt: serverNow(),
          extensionVersion: deps.extensionVersion,
          signals: offset === 0 ? signals : signals.map((s) => ({ ...s, at: s.at + offset })),
        };
      };
      return post('/v1/signals', batch);
    },
    sendAck(ack: VerdictAck) {
      const now = Date.now();
      return post('/v1/acks', {
        ...ack,
        nonce: crypto.randomUUID(),
        sentAt: now,
        timings: { ...ack.timings, ackSentAt: now },
      });
    },
    async poll() {
      const response = await signedPost(
        backendUrl,
        '/v1/verdicts/poll',
        { deviceId: identity.deviceId, sentAt: Date.now(), nonce: crypto.randomUUID() },
        identity.keyPair.privateKey,
        identity.deviceId,
      );
      if (response.status === 401 || response.status === 404) deps.onUnknownDevice();
      if (response.status === 403) deps.onRevoked();
      if (!response.ok) throw new Error(`poll: HTTP ${response.status}`);
      const body = PollResponse.parse(await response.json());
      if (body.settings) deps.onSettings?.(body.settings);
      return body.verdicts;
    },
  };
}
