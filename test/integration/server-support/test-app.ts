/**
 * The one app factory of the integration tests, for SQLite and PostgreSQL alike: an app
 * around a real store, with a controllable clock and policy, plus the device-side helpers
 * tests use to talk to it (enroll, signed POSTs, signal batches from a chosen address) and
 * what the backend stored (findings, verdicts). Presets for the detection and Slack tests
 * (detection-app.ts, slack-app.ts) only choose options here; none builds an app of its own.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { composeApp, type AppDeps } from '../../../src/server/app';
import type { Workers } from '../../../src/server/workers';
import { applyPolicy } from '../../../src/server/policy/policy-store';
import { createLocalHub, type VerdictHub } from '../../../src/server/verdicts/hub';
import { OrgPolicy, type OrgPolicyInput } from '../../../src/shared/policy/org-policy';
import type { Signal } from '../../../src/shared/protocol/signals';
import { VerdictPayload } from '../../../src/shared/protocol/verdict';
import { fakeDownloadBurst } from '../../fixtures/server/fake-signals';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../../fixtures/server/fake-device';
import { createTestStore, type TestDialect, type TestStore } from './test-store';

export interface SendOptions {
  /** The address the batch comes from (default: the app's remoteAddress). */
  ip?: string;
  forwardedFor?: string;
}

export interface StoredFinding {
  reason: string;
  outcome: string;
  subject: string;
  device_id: string;
  verdict_id: string | null;
  policy_version: number;
  evidence: any;
}

export interface TestApp extends TestStore {
  app: FastifyInstance;
  /** The background runners the app started (the fuzzer stops them: see test/fuzz/harness.ts). */
  workers: Workers;
  hub: VerdictHub;
  clock: { now: number };
  setPolicy(input: OrgPolicyInput): Promise<number>;
  enroll(device?: FakeDevice): Promise<FakeDevice>;
  post(url: string, device: FakeDevice, body: unknown, signer?: FakeDevice): Promise<LightMyRequestResponse>;
  /** Sends one signed batch; a refused batch fails the test. */
  send(device: FakeDevice, signals: Signal[], options?: SendOptions): Promise<number>;
  /** What a completed Sign in with Slack leaves on the device row: Slack vouched for `userId`. */
  vouch(device: FakeDevice, userId: string): Promise<void>;
  findings(): Promise<StoredFinding[]>;
  verdicts(): Promise<VerdictPayload[]>;
  /** Sends a burst of downloads past the test policies' threshold; the newest verdict after it. */
  verdictFromBurst(device: FakeDevice): Promise<VerdictPayload>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  dialect?: TestDialect;
  policy?: OrgPolicyInput;
  context?: Partial<AppDeps>;
  /** Dependencies built over the store (a Slack service on its database and data dir). */
  deps?: (test: TestStore, clock: { now: number }) => Partial<AppDeps>;
  /** Where the controllable clock starts (default: the wall clock). */
  startAt?: number;
  /** The address devices enroll and send from (default: inject's 127.0.0.1). */
  remoteAddress?: string;
  /** The enrolling browser's user agent (default: the fake device's). */
  userAgent?: string;
}

export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const test = await createTestStore(options.dialect);
  const clock = { now: options.startAt ?? Date.now() };
  const hub = createLocalHub();
  const from = options.remoteAddress ? { remoteAddress: options.remoteAddress } : {};
  const { app, workers } = await composeApp({
    db: test.store.db,
    dialect: test.store.dialect,
    secrets: test.store.secrets,
    hub,
    now: () => clock.now,
    extensionOrigins: [EXTENSION_ORIGIN],
    ...options.deps?.(test, clock),
    ...options.context,
  });
  const setPolicy = async (input: OrgPolicyInput) =>
    (await applyPolicy(test.store.db, OrgPolicy.parse(input), 'test', clock.now)).active.version;
  if (options.policy) await setPolicy(options.policy);

  const post = async (url: string, device: FakeDevice, body: unknown, signer?: FakeDevice) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({ method: 'POST', url, payload, headers: await signedHeaders(device, payload, signer), ...from });
  };
  const enroll = async (device?: FakeDevice) => {
    const d = device ?? (await fakeDevice());
    const request = enrollRequest(d, test.store.secrets.enrollmentToken, {
      sentAt: clock.now,
      ...(options.userAgent ? { userAgent: options.userAgent } : {}),
    });
    const payload = JSON.stringify(request);
    const res = await app.inject({
      method: 'POST',
      url: '/v1/enroll',
      payload,
      headers: await signedHeaders(d, payload),
      ...from,
    });
    if (res.statusCode !== 200) throw new Error(`enroll failed: ${res.statusCode} ${res.body}`);
    return d;
  };
  const send = async (device: FakeDevice, signals: Signal[], sendOptions: SendOptions = {}) => {
    const payload = JSON.stringify({ deviceId: device.id, batchId: randomUUID(), sentAt: clock.now, signals });
    const headers: Record<string, string> = await signedHeaders(device, payload);
    if (sendOptions.forwardedFor) headers['x-forwarded-for'] = sendOptions.forwardedFor;
    const ip = sendOptions.ip ?? options.remoteAddress;
    const res = await app.inject({
      method: 'POST',
      url: '/v1/signals',
      payload,
      headers,
      ...(ip ? { remoteAddress: ip } : {}),
    });
    if (res.statusCode !== 200) throw new Error(`signals refused: ${res.statusCode} ${res.body}`);
    return res.statusCode;
  };
  return {
    ...test,
    app,
    workers,
    hub,
    clock,
    setPolicy,
    enroll,
    post,
    send,
    async vouch(device, userId) {
      await test.store.db
        .updateTable('devices')
        .set({ verified_user_id: userId, verified_team_id: 'T0SGUARD01', verified_at: clock.now })
        .where('id', '=', device.id)
        .execute();
    },
    async findings() {
      const rows = await test.store.db.selectFrom('findings').selectAll().orderBy('detected_at').execute();
      return rows.map((r) => ({ ...r, policy_version: Number(r.policy_version), evidence: JSON.parse(r.evidence) }));
    },
    async verdictFromBurst(device) {
      await send(device, fakeDownloadBurst(3, clock.now));
      const row = await test.store.db
        .selectFrom('verdicts')
        .select('payload')
        .orderBy('issued_at', 'desc')
        .executeTakeFirstOrThrow();
      return VerdictPayload.parse(JSON.parse(row.payload));
    },
    async verdicts() {
      const rows = await test.store.db.selectFrom('verdicts').select('payload').orderBy('issued_at').execute();
      return rows.map((r) => VerdictPayload.parse(JSON.parse(r.payload)));
    },
    async close() {
      await app.close();
      await test.cleanup();
    },
  };
}
