import 'fake-indexeddb/auto';
import { afterEach, assert, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateDeviceKeyPair, importPublicJwk, verify } from '@/src/shared/crypto/signing';
import { rotateKeyProofText, RotateKeyRequest, SIGNATURE_HEADER } from '@/src/shared/protocol';
import type { Enrolled } from '@/src/extension/device-identity';
import { rotateKey, rotationDue } from '@/src/extension/key-rotation';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import { fakePolicy } from './fakes';

const DAY = 86_400_000;
let n = 0;

async function enrolled(over: Partial<Enrolled> = {}): Promise<Enrolled> {
  return {
    id: 'device',
    keyPair: await generateDeviceKeyPair(),
    deviceId: 'old-device-id-0123456789',
    sessionKeySecret: 'c2VjcmV0',
    backendUrl: 'https://guard.example.com',
    enrolledAt: 0,
    ...over,
  };
}

async function harness() {
  resetLocalDbForTests();
  return openLocalDb(`rotation-${++n}`);
}

describe('device key rotation', () => {
  let requests: { url: string; headers: Record<string, string>; body: RotateKeyRequest }[];
  beforeEach(() => {
    requests = [];
  });
  afterEach(() => vi.unstubAllGlobals());

  const backend = (answer: () => Promise<Response>) =>
    vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
      requests.push({ url, headers: init.headers as Record<string, string>, body: JSON.parse(String(init.body)) });
      return answer();
    });

  it('is due after the policy’s days, and never without the policy key', async () => {
    const identity = await enrolled({ enrolledAt: 0 });

    expect(rotationDue(identity, fakePolicy(), 1_000 * DAY)).toBe(false);
    expect(rotationDue(identity, fakePolicy({ keyRotationDays: 30 }), 29 * DAY)).toBe(false);
    expect(rotationDue(identity, fakePolicy({ keyRotationDays: 30 }), 30 * DAY)).toBe(true);
  });

  it('signs with the old key, proves the new one, and keeps the new key non-extractable', async () => {
    const db = await harness();
    const old = await enrolled();
    backend(async () => Response.json({ deviceId: 'new-device-id-0123456789', previousDeviceId: old.deviceId }));

    const outcome = await rotateKey(db, old, old.backendUrl!);

    expect(outcome.status).toBe('rotated');
    const [request] = requests;
    assert(request);
    expect(request.url).toBe('https://guard.example.com/v1/devices/rotate-key');
    expect(await verify(old.keyPair.publicKey, request.headers[SIGNATURE_HEADER]!, JSON.stringify(request.body))).toBe(
      true,
    );
    const newKey = await importPublicJwk(request.body.newPublicKey);
    expect(await verify(newKey, request.body.proof, rotateKeyProofText(old.deviceId, request.body.nonce))).toBe(true);
    const stored = await db.get('identity', 'device');
    expect(stored).toMatchObject({
      deviceId: 'new-device-id-0123456789',
      previousDeviceIds: [old.deviceId],
      sessionKeySecret: old.sessionKeySecret,
    });
    expect(stored?.pendingKeyPair).toBeUndefined();
    expect(stored?.keyPair.privateKey.extractable).toBe(false);
  });

  it('keeps the new key when the answer is lost, and offers the same key again', async () => {
    const db = await harness();
    const old = await enrolled();
    backend(async () => {
      throw new TypeError('Failed to fetch');
    });

    const first = await rotateKey(db, old, old.backendUrl!);
    const pending = (await db.get('identity', 'device')) as Enrolled;
    await rotateKey(db, pending, old.backendUrl!);

    expect(first.status).toBe('failed');
    expect(pending.pendingKeyPair).toBeDefined();
    expect(requests[1]!.body.newPublicKey).toEqual(requests[0]!.body.newPublicKey);
    expect(rotationDue(pending, fakePolicy(), 0)).toBe(true);
  });

  it('reports a revoked key as revoked', async () => {
    const db = await harness();
    backend(async () => Response.json({ error: 'device_revoked' }, { status: 403 }));

    expect((await rotateKey(db, await enrolled(), 'https://guard.example.com')).status).toBe('revoked');
  });
});
