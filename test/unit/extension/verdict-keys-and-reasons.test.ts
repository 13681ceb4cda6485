/**
 * The extension's side of verdict key rotation and of reason codes it does not know
 * (issues #10 and #14): every key in managed policy verifies, a key outside it does not,
 * and a verdict naming a reason this build never heard of still ends the session, with
 * the code shown to the user as given.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it, vi } from 'vitest';
import { exportSpkiPublicKey, sign } from '@/src/shared/crypto/signing';
import { importVerdictKeyRing, policyVerdictKeys } from '@/src/shared/crypto/verdict-keys';
import { readManagedPolicy } from '@/src/shared/policy/managed-policy';
import { VerdictPayload, type SignedVerdict, type VerdictAck } from '@/src/shared/protocol';
import { executeVerdict, type EnforcerDeps } from '@/src/extension/enforcer';
import { openLocalDb, resetLocalDbForTests } from '@/src/extension/local-db';
import { renderStatus } from '@/src/extension/popup-view';
import { ProtectionStatus } from '@/src/extension/status';
import { terminationMessage } from '@/src/extension/termination';
import { fakeDocument, textOf } from './fakes';

const DEVICE = 'device-abcdefghijklmnop';
const NOW = 1_800_000_000_000;
let n = 0;

const newKey = async () =>
  (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify'])) as CryptoKeyPair;

async function signed(key: CryptoKey, over: Record<string, unknown> = {}): Promise<SignedVerdict> {
  const payload = JSON.stringify({
    v: 1,
    id: crypto.randomUUID(),
    action: 'terminate',
    reasons: ['excessive_downloads'],
    target: { deviceId: DEVICE, sessionKey: null, userId: null },
    issuedAt: NOW - 1000,
    expiresAt: NOW + 600_000,
    policyVersion: 1,
    ...over,
  });
  return { payload, signature: await sign(key, payload) };
}

async function enforcer(keys: readonly CryptoKey[]) {
  resetLocalDbForTests();
  const db = await openLocalDb(`verdict-keys-${++n}`);
  const acks: VerdictAck[] = [];
  const afterClear = vi.fn(async () => undefined);
  const deps: EnforcerDeps = {
    db,
    verdictKey: async () => keys,
    deviceId: () => DEVICE,
    currentSessionKey: async () => null,
    clearCookies: async () => ({ cleared: 2, hosts: ['.slack.com'] }),
    afterClear,
    acknowledge: async (ack) => void acks.push(ack),
    now: () => NOW,
  };
  return { deps, acks, afterClear };
}

/** The key ring exactly as the service builds it from a managed policy. */
async function ringFromPolicy(raw: Record<string, unknown>): Promise<CryptoKey[]> {
  const state = readManagedPolicy(raw);
  if (state.status !== 'ok') throw new Error(JSON.stringify(state));
  return importVerdictKeyRing(policyVerdictKeys(state.policy));
}

const base = { backendUrl: 'https://guard.example.com', enrollmentToken: 'tok_0123456789abcdef' };

describe('verdict keys in managed policy', () => {
  it('accepts a verdict signed with the new key and one signed with the old key after a rotation', async () => {
    const [oldKey, newer] = [await newKey(), await newKey()];
    const policy = {
      ...base,
      verdictPublicKey: await exportSpkiPublicKey(newer.publicKey),
      verdictPublicKeys: [await exportSpkiPublicKey(newer.publicKey), await exportSpkiPublicKey(oldKey.publicKey)],
    };
    const { deps } = await enforcer(await ringFromPolicy(policy));

    const byNew = await executeVerdict(deps, await signed(newer.privateKey, { kid: 'new-kid' }), 'websocket');
    const byOld = await executeVerdict(deps, await signed(oldKey.privateKey), 'poll');

    expect(byNew.outcome).toBe('executed');
    expect(byOld.outcome).toBe('executed');
  });

  it('rejects a verdict signed by a key the policy does not list, whatever kid it claims', async () => {
    const [pinned, attacker] = [await newKey(), await newKey()];
    const policy = { ...base, verdictPublicKey: await exportSpkiPublicKey(pinned.publicKey) };
    const { deps, acks, afterClear } = await enforcer(await ringFromPolicy(policy));

    const result = await executeVerdict(deps, await signed(attacker.privateKey, { kid: 'pinned' }), 'websocket');

    expect(result).toEqual({ outcome: 'rejected', detail: 'bad signature' });
    expect(acks).toHaveLength(0);
    expect(afterClear).not.toHaveBeenCalled();
  });

  it('keeps working with a policy that has only verdictPublicKey (before any rotation)', async () => {
    const key = await newKey();
    const ring = await ringFromPolicy({ ...base, verdictPublicKey: await exportSpkiPublicKey(key.publicKey) });
    const { deps } = await enforcer(ring);

    expect(ring).toHaveLength(1);
    expect((await executeVerdict(deps, await signed(key.privateKey), 'poll')).outcome).toBe('executed');
  });

  it('refuses a policy whose key list holds something that is not a P-256 key, naming the field', async () => {
    const key = await newKey();
    const spki = await exportSpkiPublicKey(key.publicKey);

    await expect(
      ringFromPolicy({ ...base, verdictPublicKey: spki, verdictPublicKeys: ['A'.repeat(120)] }),
    ).rejects.toThrow('verdictPublicKeys');
  });
});

describe('backendUrl', () => {
  const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(60);

  it.each(['http://guard.example.com', 'http://10.0.0.5:8787', 'http://127.example.com', 'ftp://guard.example.com'])(
    'refuses %s and says https is required',
    (backendUrl) => {
      const state = readManagedPolicy({ ...base, backendUrl, verdictPublicKey: key });

      expect(state.status).toBe('invalid');
      expect(state.status === 'invalid' && state.problems.join(' ')).toMatch(/backendUrl: .*https/);
    },
  );

  it.each([
    'https://guard.example.com',
    'http://127.0.0.1:8787',
    'http://127.10.0.3',
    'http://[::1]:8787',
    'http://localhost:8787',
  ])('accepts %s', (backendUrl) => {
    expect(readManagedPolicy({ ...base, backendUrl, verdictPublicKey: key }).status).toBe('ok');
  });

  it('tells the user in the popup why an http backend on the network is refused', () => {
    const state = readManagedPolicy({ ...base, backendUrl: 'http://guard.example.com', verdictPublicKey: key });
    const doc = fakeDocument();
    const problems = state.status === 'invalid' ? state.problems : [];

    const text = textOf(renderStatus(doc, ProtectionStatus.parse({ policy: 'invalid', problems }), NOW), doc);

    expect(text).toContain('backendUrl must use https');
  });
});

describe('reason codes the extension does not know (issue #14)', () => {
  it('executes a verdict whose only reason is a made-up code, and shows the code as given', async () => {
    const key = await newKey();
    const { deps, acks, afterClear } = await enforcer([key.publicKey]);
    const verdict = await signed(key.privateKey, { reasons: ['quantum_tunnelling_exfil'] });

    const result = await executeVerdict(deps, verdict, 'websocket');

    expect(result.outcome).toBe('executed');
    expect(acks[0]).toMatchObject({ outcome: 'executed' });
    expect(afterClear).toHaveBeenCalledWith(expect.objectContaining({ reasons: ['quantum_tunnelling_exfil'] }), [
      '.slack.com',
    ]);
    expect(terminationMessage({ reasons: ['quantum_tunnelling_exfil'] })).toContain('because quantum_tunnelling_exfil');
  });

  it('the wire schema says so: any snake_case code parses, anything else does not', () => {
    const payload = (reasons: unknown) => ({
      v: 1,
      id: crypto.randomUUID(),
      action: 'terminate',
      reasons,
      target: { deviceId: DEVICE, sessionKey: null, userId: null },
      issuedAt: NOW,
      expiresAt: NOW + 1,
      policyVersion: 1,
    });

    expect(VerdictPayload.safeParse(payload(['tor', 'unexpected_message_deletion'])).success).toBe(true);
    expect(VerdictPayload.safeParse(payload(['<script>'])).success).toBe(false);
    expect(VerdictPayload.safeParse(payload([])).success).toBe(false);
  });

  it('shows a made-up code as given in the popup beside a known one in plain words', () => {
    const doc = fakeDocument();
    const status = ProtectionStatus.parse({
      policy: 'ok',
      backendUrl: 'https://guard.example.com',
      lastVerdict: { id: 'v1', at: NOW - 60_000, reasons: ['tor', 'made_up_anomaly'], cookiesCleared: 1, local: false },
    });

    const text = textOf(renderStatus(doc, status, NOW), doc);

    expect(text).toContain('Slack was reached through the Tor network; made_up_anomaly');
  });
});

describe('backendUrl problems are named once', () => {
  it('reports a non-http scheme once, not twice', () => {
    const key = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(60);

    const state = readManagedPolicy({ ...base, backendUrl: 'ftp://guard.example.com', verdictPublicKey: key });

    expect(state.status === 'invalid' && state.problems).toEqual(['backendUrl: backendUrl must be an https URL']);
  });
});
