import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { sign } from '@/src/shared/crypto/signing';
import type { SignedVerdict, VerdictAck, VerdictPayload } from '@/src/shared/protocol';
import { executeVerdict, type EnforcerDeps } from '@/src/extension/enforcer';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';

const DEVICE = 'device-abcdefghijklmnop';
const SESSION = 'a'.repeat(64);
const NOW = 1_800_000_000_000;
let backendKey: CryptoKeyPair;
let n = 0;

async function signedVerdict(over: Partial<VerdictPayload> = {}, key = backendKey.privateKey): Promise<SignedVerdict> {
  const payload: VerdictPayload = {
    v: 1,
    id: crypto.randomUUID(),
    action: 'terminate',
    reasons: ['excessive_downloads'],
    target: { deviceId: DEVICE, sessionKey: SESSION, userId: null },
    issuedAt: NOW - 1000,
    expiresAt: NOW + 600_000,
    policyVersion: 1,
    ...over,
  };
  const text = JSON.stringify(payload);
  return { payload: text, signature: await sign(key, text) };
}

async function harness(currentSession: string | null = SESSION) {
  resetLocalDbForTests();
  const db = await openLocalDb(`enforcer-${++n}`);
  const acks: VerdictAck[] = [];
  const clearCookies = vi.fn(async () => ({ cleared: 3, hosts: ['.slack.com'] }));
  const afterClear = vi.fn(async () => undefined);
  let clock = NOW;
  const deps: EnforcerDeps = {
    db,
    verdictKey: async () => backendKey.publicKey,
    deviceId: () => DEVICE,
    currentSessionKey: async () => currentSession,
    clearCookies,
    afterClear,
    acknowledge: async (ack) => void acks.push(ack),
    now: () => (clock += 2),
  };
  return { deps, acks, clearCookies, afterClear };
}

describe('enforcer', () => {
  beforeEach(async () => {
    backendKey = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
      'verify',
    ])) as CryptoKeyPair;
  });

  it('ends the session on a verdict signed by the pinned key and acknowledges with ordered timings', async () => {
    const { deps, acks, clearCookies, afterClear } = await harness();
    const verdict = await signedVerdict();

    const result = await executeVerdict(deps, verdict, 'websocket');

    expect(result.outcome).toBe('executed');
    expect(clearCookies).toHaveBeenCalledTimes(1);
    expect(afterClear).toHaveBeenCalledTimes(1);
    expect(acks).toHaveLength(1);
    const { timings } = acks[0]!;
    expect(acks[0]).toMatchObject({ outcome: 'executed', cookiesCleared: 3, via: 'websocket', deviceId: DEVICE });
    expect(timings.receivedAt).toBeLessThan(timings.verifiedAt);
    expect(timings.verifiedAt).toBeLessThan(timings.clearedAt);
    expect(timings.clearedAt).toBeLessThanOrEqual(timings.ackSentAt);
  });

  it('prepares the clear beside its reads and runs that one; a refused verdict removes nothing', async () => {
    const { deps, clearCookies } = await harness();
    const prepared = vi.fn(async () => ({ cleared: 1, hosts: ['.slack.com'] }));
    const prepareClear = vi.fn(() => prepared);
    deps.prepareClear = prepareClear;

    await executeVerdict(
      deps,
      await signedVerdict({ target: { deviceId: 'other-device-abcdefgh', sessionKey: null, userId: null } }),
      'poll',
    );
    expect(prepareClear).toHaveBeenCalledTimes(1); // listed, then discarded
    expect(prepared).not.toHaveBeenCalled();

    const result = await executeVerdict(deps, await signedVerdict(), 'websocket');
    expect(result.outcome).toBe('executed');
    expect(prepareClear).toHaveBeenCalledTimes(2);
    expect(prepared).toHaveBeenCalledTimes(1);
    expect(clearCookies).not.toHaveBeenCalled();
  });

  it('says when the session ended, between the checks and the end of the clear', async () => {
    const { deps, acks } = await harness();
    deps.clearCookies = async () => ({ cleared: 3, hosts: ['.slack.com'], sessionEndedAt: NOW + 5 });

    await executeVerdict(deps, await signedVerdict(), 'websocket');

    const { timings } = acks[0]!;
    expect(timings.sessionEndedAt).toBe(NOW + 5);
    expect(timings.verifiedAt).toBeLessThanOrEqual(timings.sessionEndedAt!);
    expect(timings.sessionEndedAt!).toBeLessThanOrEqual(timings.clearedAt);
  });

  it('does nothing the second time the same verdict arrives, but acknowledges again', async () => {
    const { deps, acks, clearCookies } = await harness();
    const verdict = await signedVerdict();

    await executeVerdict(deps, verdict, 'websocket');
    const again = await executeVerdict(deps, verdict, 'poll');

    expect(again.outcome).toBe('already_executed');
    expect(clearCookies).toHaveBeenCalledTimes(1);
    expect(acks.map((a) => a.outcome)).toEqual(['executed', 'already_executed']);
  });

  it('ignores a verdict signed by any other key, and tells no one', async () => {
    const { deps, acks, clearCookies } = await harness();
    const forger = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
      'sign',
    ])) as CryptoKeyPair;

    const result = await executeVerdict(deps, await signedVerdict({}, forger.privateKey), 'websocket');

    expect(result).toEqual({ outcome: 'rejected', detail: 'bad signature' });
    expect(clearCookies).not.toHaveBeenCalled();
    expect(acks).toHaveLength(0);
  });

  it('refuses a verdict whose payload was altered after signing', async () => {
    const { deps, clearCookies } = await harness();
    const verdict = await signedVerdict({ target: { deviceId: 'someone-else-0000', sessionKey: null, userId: null } });

    const tampered = { ...verdict, payload: verdict.payload.replace('someone-else-0000', DEVICE) };

    expect((await executeVerdict(deps, tampered, 'poll')).outcome).toBe('rejected');
    expect(clearCookies).not.toHaveBeenCalled();
  });

  it('refuses an expired verdict', async () => {
    const { deps, acks, clearCookies } = await harness();

    const result = await executeVerdict(deps, await signedVerdict({ expiresAt: NOW - 120_000 }), 'poll');

    expect(result).toEqual({ outcome: 'rejected', detail: 'expired' });
    expect(clearCookies).not.toHaveBeenCalled();
    expect(acks[0]!.outcome).toBe('rejected');
  });

  it('refuses a verdict for another device and another session', async () => {
    const { deps, clearCookies } = await harness('b'.repeat(64));

    const result = await executeVerdict(
      deps,
      await signedVerdict({ target: { deviceId: 'other-device-00000', sessionKey: SESSION, userId: null } }),
      'poll',
    );

    expect(result.detail).toBe('not for this device');
    expect(clearCookies).not.toHaveBeenCalled();
  });

  it("executes a verdict aimed at this browser's session from another device id", async () => {
    const { deps, clearCookies } = await harness(SESSION);

    const result = await executeVerdict(
      deps,
      await signedVerdict({ target: { deviceId: 'other-device-00000', sessionKey: SESSION, userId: null } }),
      'poll',
    );

    expect(result.outcome).toBe('executed');
    expect(clearCookies).toHaveBeenCalledTimes(1);
  });
});
