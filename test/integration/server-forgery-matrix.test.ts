/**
 * The forgery and replay matrix (issue #17): every way to forge or replay a signal report,
 * an ack or a verdict, each case named in the table, each refused. Reports and acks play
 * against the backend on SQLite and PostgreSQL, asserting the exact status and code and an
 * unchanged store (every row of every table); verdicts play against the extension's own
 * enforcer with the shared verifier (src/shared/crypto/verdict-keys.ts), asserting the
 * outcome and that no cookie was cleared.
 */
import 'fake-indexeddb/auto';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { executeVerdict, type EnforcerDeps } from '../../src/extension/enforcer';
import { openLocalDb, resetLocalDbForTests } from '../../src/extension/local-db';
import { exportSpkiPublicKey, sign } from '../../src/shared/crypto/signing';
import { importVerdictKeyRing } from '../../src/shared/crypto/verdict-keys';
import { rotateKeyProofText } from '../../src/shared/protocol/device';
import type { SignedVerdict, VerdictPayload } from '../../src/shared/protocol/verdict';
import { fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { fakeBatch, fakeDownloadBurst } from '../fixtures/server/fake-signals';
import { storeSnapshot } from './server-support/store-snapshot';
import { createTestApp, type TestApp } from './server-support/test-app';
import { DIALECTS, stopPostgres } from './server-support/test-store';

const POLICY = { detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e9, windowSeconds: 60 } } };

interface World {
  t: TestApp;
  /** The attacker's own enrolled device, and a second device (the victim's). */
  a: FakeDevice;
  b: FakeDevice;
  /** A verdict issued to b. */
  verdictForB: string;
  /** A verdict issued to a. */
  verdictForA: string;
}

interface Forged {
  payload: string;
  headers: Record<string, string>;
}

type Kind = 'report' | 'ack';
type Expected = { status: number; error: string } | { status: 200; duplicate: true };

const report = (w: World, d: FakeDevice, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    ...fakeBatch(
      d.id,
      fakeDownloadBurst(3, w.t.clock.now).map((s) => ({ ...s, sessionKey: 'd'.repeat(64) })),
      { sentAt: w.t.clock.now },
    ),
    ...overrides,
  });
const ack = (w: World, d: FakeDevice, overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    deviceId: d.id,
    verdictId: w.verdictForA,
    nonce: randomUUID(),
    sentAt: w.t.clock.now,
    outcome: 'executed',
    via: 'poll',
    cookiesCleared: 1,
    timings: { receivedAt: 1, verifiedAt: 2, clearedAt: 3, ackSentAt: 4 },
    ...overrides,
  });
const bodyOf = (kind: Kind, w: World, d: FakeDevice, o?: Record<string, unknown>) =>
  kind === 'report' ? report(w, d, o) : ack(w, d, o);

/** Each case builds its request (and may change the world first, before the snapshot). */
interface Case {
  name: string;
  kinds: Kind[];
  expected: Partial<Record<Kind, Expected>>;
  prepare?(w: World, kind: Kind): Promise<Forged | void>;
  forge?(w: World, kind: Kind): Promise<Forged>;
}

const CASES: Case[] = [
  {
    name: 'unsigned',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'missing_signature' }, ack: { status: 401, error: 'missing_signature' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.a);
      return { payload, headers: { 'content-type': 'application/json', 'x-sg-device': w.a.id } };
    },
  },
  {
    name: 'wrong key (signed by another enrolled device)',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'bad_signature' }, ack: { status: 401, error: 'bad_signature' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.a);
      return { payload, headers: await signedHeaders(w.a, payload, w.b) };
    },
  },
  {
    name: 'altered body (signed, then changed)',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'bad_signature' }, ack: { status: 401, error: 'bad_signature' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.a);
      const headers = await signedHeaders(w.a, payload);
      return { payload: payload.replace('"sentAt":', '"sentAt": '), headers };
    },
  },
  {
    name: 'replayed (the same signed request again)',
    kinds: ['report', 'ack'],
    // A repeated ack answers 200 and changes nothing (acks.ts: a lost answer is retried).
    expected: { report: { status: 409, error: 'replayed_batch' }, ack: { status: 200, duplicate: true } },
    async prepare(w, kind) {
      const payload = bodyOf(kind, w, w.a);
      const headers = await signedHeaders(w.a, payload);
      const first = await w.t.app.inject({ method: 'POST', url: url(kind), payload, headers });
      expect(first.statusCode).toBe(200);
      return { payload, headers };
    },
  },
  {
    name: 'expired (sentAt outside the clock window)',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'stale_request' }, ack: { status: 401, error: 'stale_request' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.a, { sentAt: w.t.clock.now - 10 * 60_000 });
      return { payload, headers: await signedHeaders(w.a, payload) };
    },
  },
  {
    name: 'from a revoked device',
    kinds: ['report', 'ack'],
    expected: { report: { status: 403, error: 'device_revoked' }, ack: { status: 403, error: 'device_revoked' } },
    async prepare(w) {
      await w.t.store.db.updateTable('devices').set({ revoked_at: w.t.clock.now }).where('id', '=', w.a.id).execute();
    },
  },
  {
    name: 'from a rotated-away device key',
    kinds: ['report', 'ack'],
    expected: { report: { status: 403, error: 'device_revoked' }, ack: { status: 403, error: 'device_revoked' } },
    async prepare(w) {
      const next = await fakeDevice();
      const nonce = randomUUID();
      const payload = JSON.stringify({
        deviceId: w.a.id,
        newPublicKey: next.jwk,
        sentAt: w.t.clock.now,
        nonce,
        proof: await next.sign(rotateKeyProofText(w.a.id, nonce)),
      });
      const res = await w.t.app.inject({
        method: 'POST',
        url: '/v1/devices/rotate-key',
        payload,
        headers: await signedHeaders(w.a, payload),
      });
      expect(res.statusCode).toBe(200);
    },
  },
  {
    name: 'aimed at another device (x-sg-device names the victim, signed by the attacker)',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'bad_signature' }, ack: { status: 401, error: 'bad_signature' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.b);
      return { payload, headers: await signedHeaders(w.b, payload, w.a) };
    },
  },
  {
    name: 'aimed at another device (the body names the victim)',
    kinds: ['report', 'ack'],
    expected: { report: { status: 401, error: 'device_mismatch' }, ack: { status: 401, error: 'device_mismatch' } },
    async forge(w, kind) {
      const payload = bodyOf(kind, w, w.b);
      return { payload, headers: await signedHeaders(w.a, payload) };
    },
  },
  {
    name: 'another session (an ack for a verdict issued to another device)',
    kinds: ['ack'],
    expected: { ack: { status: 422, error: 'unknown_verdict' } },
    async forge(w) {
      const payload = ack(w, w.a, { verdictId: w.verdictForB });
      return { payload, headers: await signedHeaders(w.a, payload) };
    },
  },
  {
    name: 'claims for another user (acks the verified victim’s verdict while claiming to be them)',
    kinds: ['ack'],
    expected: { ack: { status: 422, error: 'unknown_verdict' } },
    async prepare(w) {
      await w.t.store.db.updateTable('devices').set({ user_id: 'U0VICTIM01' }).where('id', '=', w.a.id).execute();
    },
    async forge(w) {
      const payload = ack(w, w.a, { verdictId: w.verdictForB });
      return { payload, headers: await signedHeaders(w.a, payload) };
    },
  },
];

const url = (kind: Kind) => (kind === 'report' ? '/v1/signals' : '/v1/acks');
const rows = CASES.flatMap((c) => c.kinds.map((kind) => ({ name: `${kind}: ${c.name}`, kind, c })));

async function world(t: TestApp): Promise<World> {
  const a = await t.enroll();
  const b = await t.enroll();
  const issue = async (d: FakeDevice, key: string) => {
    const payload = JSON.stringify(
      fakeBatch(
        d.id,
        fakeDownloadBurst(3, t.clock.now).map((s) => ({ ...s, sessionKey: key })),
        { sentAt: t.clock.now },
      ),
    );
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/signals',
      payload,
      headers: await signedHeaders(d, payload),
    });
    expect(res.statusCode).toBe(200);
    const v = await t.store.db
      .selectFrom('verdicts')
      .select('id')
      .where('device_id', '=', d.id)
      .executeTakeFirstOrThrow();
    return v.id;
  };
  const verdictForB = await issue(b, 'b'.repeat(64));
  const verdictForA = await issue(a, 'a'.repeat(64));
  await t.store.db
    .updateTable('devices')
    .set({ verified_user_id: 'U0VICTIM01', verified_team_id: 'T0SGUARD01', verified_at: t.clock.now })
    .where('id', '=', b.id)
    .execute();
  return { t, a, b, verdictForA, verdictForB };
}

afterAll(async () => stopPostgres());

describe.each(DIALECTS)('forged and replayed reports and acks are refused (%s)', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp({ dialect, policy: POLICY });
  });
  afterEach(async () => t.close());

  it.each(rows)('$name', async ({ kind, c }) => {
    const w = await world(t);
    const prepared = await c.prepare?.(w, kind);
    const forged = prepared ?? (await (c.forge ?? defaultForge)(w, kind));
    const before = await storeSnapshot(t.store.db);

    const res = await t.app.inject({
      method: 'POST',
      url: url(kind),
      payload: forged.payload,
      headers: forged.headers,
    });

    const expected = c.expected[kind]!;
    expect(res.statusCode).toBe(expected.status);
    if ('error' in expected) expect(res.json().error).toBe(expected.error);
    else expect(res.json()).toMatchObject({ recorded: false, duplicate: true });
    expect(await storeSnapshot(t.store.db)).toBe(before);
  });

  it('report: claims for another user reach only the claiming device (no verdict or finding for the verified user)', async () => {
    const w = await world(t);
    await t.store.db.deleteFrom('acks').execute();
    const claim = {
      id: randomUUID(),
      type: 'slack_identity',
      at: t.clock.now,
      teamId: 'T0SGUARD01',
      userId: 'U0VICTIM01',
    };
    const payload = report(w, w.a, {
      signals: [claim, ...fakeDownloadBurst(3, t.clock.now + 1000).map((s) => ({ ...s, sessionKey: 'c'.repeat(64) }))],
    });
    const verdictsBefore = await t.store.db
      .selectFrom('verdicts')
      .select('id')
      .where('device_id', '=', w.b.id)
      .execute();

    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/signals',
      payload,
      headers: await signedHeaders(w.a, payload),
    });

    expect(res.statusCode).toBe(200);
    const verdicts = await t.store.db
      .selectFrom('verdicts')
      .select(['id', 'device_id', 'subject', 'payload'])
      .execute();
    expect(verdicts.filter((v) => v.device_id === w.b.id).map((v) => v.id)).toEqual(verdictsBefore.map((v) => v.id));
    for (const v of verdicts.filter((v) => v.device_id === w.a.id)) {
      expect(v.subject).toBe(w.a.id);
      expect(JSON.parse(v.payload).target.userId).toBeNull();
    }
    const findings = await t.store.db.selectFrom('findings').select(['device_id', 'subject']).execute();
    expect(findings.filter((f) => f.subject === 'U0VICTIM01')).toEqual([]);
  });
});

async function defaultForge(w: World, kind: Kind): Promise<Forged> {
  const payload = bodyOf(kind, w, w.a);
  return { payload, headers: await signedHeaders(w.a, payload) };
}

// ---- Verdicts, on the extension's side: the enforcer with the shared verifier. ----

const ME = 'device-me-abcdefghijklmnop';
const MY_SESSION = 'a'.repeat(64);
const NOW = 1_800_000_000_000;
const newKey = () =>
  crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
    'verify',
  ]) as Promise<CryptoKeyPair>;

interface VerdictWorld {
  current: CryptoKeyPair;
  retired: CryptoKeyPair;
  stranger: CryptoKeyPair;
}

async function verdict(
  key: CryptoKey,
  over: Partial<VerdictPayload> = {},
  alter?: (text: string) => string,
): Promise<SignedVerdict> {
  const payload: VerdictPayload = {
    v: 1,
    id: randomUUID(),
    action: 'terminate',
    reasons: ['excessive_downloads'],
    target: { deviceId: ME, sessionKey: MY_SESSION, userId: null },
    issuedAt: NOW - 1000,
    expiresAt: NOW + 600_000,
    policyVersion: 1,
    ...over,
  };
  const text = JSON.stringify(payload);
  const signature = await sign(key, text);
  return { payload: alter ? alter(text) : text, signature };
}

const VERDICT_CASES: Array<{
  name: string;
  make(w: VerdictWorld): Promise<SignedVerdict>;
  deliveries?: number;
  expected: { outcome: string; detail?: string };
  acked: boolean;
}> = [
  {
    name: 'unsigned',
    make: async (w) => ({ ...(await verdict(w.current.privateKey)), signature: '' }),
    expected: { outcome: 'rejected', detail: 'bad signature' },
    acked: false,
  },
  {
    name: 'wrong key (never pinned)',
    make: (w) => verdict(w.stranger.privateKey),
    expected: { outcome: 'rejected', detail: 'bad signature' },
    acked: false,
  },
  {
    name: 'altered body (another target after signing)',
    make: (w) =>
      verdict(w.current.privateKey, { target: { deviceId: 'other', sessionKey: null, userId: null } }, (t) =>
        t.replace('"other"', `"${ME}"`),
      ),
    expected: { outcome: 'rejected', detail: 'bad signature' },
    acked: false,
  },
  {
    name: 'replayed (delivered again after it ran)',
    make: (w) => verdict(w.current.privateKey),
    deliveries: 2,
    expected: { outcome: 'already_executed' },
    acked: true,
  },
  {
    name: 'expired',
    make: (w) => verdict(w.current.privateKey, { expiresAt: NOW - 61_000 - 1 }),
    expected: { outcome: 'rejected', detail: 'expired' },
    acked: true,
  },
  {
    name: 'from a rotated-away (retired) verdict key',
    make: (w) => verdict(w.retired.privateKey),
    expected: { outcome: 'rejected', detail: 'bad signature' },
    acked: false,
  },
  {
    name: 'aimed at another device (and no session of ours)',
    make: (w) =>
      verdict(w.current.privateKey, { target: { deviceId: 'device-victim', sessionKey: null, userId: null } }),
    expected: { outcome: 'rejected', detail: 'not for this device' },
    acked: true,
  },
  {
    name: 'another session (another device’s session key)',
    make: (w) =>
      verdict(w.current.privateKey, {
        target: { deviceId: 'device-victim', sessionKey: 'b'.repeat(64), userId: null },
      }),
    expected: { outcome: 'rejected', detail: 'not for this device' },
    acked: true,
  },
  {
    name: 'claims for another user (names only a user, not this device or session)',
    make: (w) =>
      verdict(w.current.privateKey, { target: { deviceId: 'device-victim', sessionKey: null, userId: 'U0VICTIM01' } }),
    expected: { outcome: 'rejected', detail: 'not for this device' },
    acked: true,
  },
];

describe('forged and replayed verdicts are refused by the extension', () => {
  let n = 0;
  it.each(VERDICT_CASES)('verdict: $name', async (c) => {
    const w: VerdictWorld = { current: await newKey(), retired: await newKey(), stranger: await newKey() };
    // Managed policy pins only the current key (the retired one was rotated out).
    const ring = await importVerdictKeyRing([await exportSpkiPublicKey(w.current.publicKey)]);
    resetLocalDbForTests();
    const clearCookies = vi.fn(async () => ({ cleared: 3, hosts: ['.slack.com'] }));
    const acks: unknown[] = [];
    let clock = NOW;
    const deps: EnforcerDeps = {
      db: await openLocalDb(`forgery-${++n}`),
      verdictKey: async () => ring,
      deviceId: () => ME,
      currentSessionKey: async () => MY_SESSION,
      clearCookies,
      afterClear: async () => undefined,
      acknowledge: async (a) => void acks.push(a),
      now: () => (clock += 2),
    };
    const signed = await c.make(w);

    let result = await executeVerdict(deps, signed, 'poll');
    for (let i = 1; i < (c.deliveries ?? 1); i++) result = await executeVerdict(deps, signed, 'websocket');

    expect(result).toMatchObject(c.expected);
    // Only the first delivery of a replayed verdict clears anything.
    expect(clearCookies).toHaveBeenCalledTimes(c.deliveries ? 1 : 0);
    expect(acks.length > 0).toBe(c.acked);
  });
});
