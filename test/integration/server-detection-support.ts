/**
 * An app around a real store for the detection tests: a controllable clock, the org
 * policy, a Tor list, a trusted-proxy setting, devices that enroll and send signed
 * batches from a chosen address (optionally with X-Forwarded-For), and the findings and
 * verdicts as stored.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../src/server/app';
import { applyPolicy } from '../../src/server/policy/policy-store';
import { createLocalHub, type VerdictHub } from '../../src/server/verdicts/hub';
import { OrgPolicy, type OrgPolicyInput } from '../../src/shared/policy/org-policy';
import type { Signal } from '../../src/shared/protocol/signals';
import { VerdictPayload } from '../../src/shared/protocol/verdict';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../fixtures/server/fake-device';
import { createTestStore, type TestDialect, type TestStore } from './server-support/test-store';

export const OFFICE_IP = '203.0.113.10';

export interface SendOptions {
  ip?: string;
  forwardedFor?: string;
}

export interface DetectionApp extends TestStore {
  app: FastifyInstance;
  hub: VerdictHub;
  clock: { now: number };
  setPolicy(input: OrgPolicyInput): Promise<number>;
  enroll(): Promise<FakeDevice>;
  /** What a completed Sign in with Slack leaves on the device row: Slack vouched for `userId`. */
  vouch(device: FakeDevice, userId: string): Promise<void>;
  send(device: FakeDevice, signals: Signal[], options?: SendOptions): Promise<number>;
  findings(): Promise<
    { reason: string; outcome: string; subject: string; device_id: string; policy_version: number; evidence: any }[]
  >;
  verdicts(): Promise<VerdictPayload[]>;
  close(): Promise<void>;
}

export async function createDetectionApp(
  dialect: TestDialect,
  policy: OrgPolicyInput,
  deps: Partial<Pick<AppDeps, 'torList' | 'trustProxy'>> = {},
): Promise<DetectionApp> {
  const test = await createTestStore(dialect);
  const clock = { now: Date.parse('2025-03-03T10:00:00Z') };
  const hub = createLocalHub();
  const app = await buildApp({
    db: test.store.db,
    dialect: test.store.dialect,
    secrets: test.store.secrets,
    hub,
    now: () => clock.now,
    ...deps,
  });
  const setPolicy = async (input: OrgPolicyInput) =>
    (await applyPolicy(test.store.db, OrgPolicy.parse(input), 'test', clock.now)).active.version;
  await setPolicy(policy);

  return {
    ...test,
    app,
    hub,
    clock,
    setPolicy,
    async enroll() {
      const device = await fakeDevice();
      const payload = JSON.stringify(enrollRequest(device, test.store.secrets.enrollmentToken, { sentAt: clock.now }));
      const res = await app.inject({
        method: 'POST',
        url: '/v1/enroll',
        payload,
        headers: await signedHeaders(device, payload),
        remoteAddress: OFFICE_IP,
      });
      if (res.statusCode !== 200) throw new Error(`enroll failed: ${res.statusCode} ${res.body}`);
      return device;
    },
    async vouch(device, userId) {
      await test.store.db
        .updateTable('devices')
        .set({ verified_user_id: userId, verified_team_id: 'T0SGUARD01', verified_at: clock.now })
        .where('id', '=', device.id)
        .execute();
    },
    async send(device, signals, options = {}) {
      const payload = JSON.stringify({ deviceId: device.id, batchId: randomUUID(), sentAt: clock.now, signals });
      const headers: Record<string, string> = await signedHeaders(device, payload);
      if (options.forwardedFor) headers['x-forwarded-for'] = options.forwardedFor;
      const res = await app.inject({
        method: 'POST',
        url: '/v1/signals',
        payload,
        headers,
        remoteAddress: options.ip ?? OFFICE_IP,
      });
      if (res.statusCode !== 200) throw new Error(`signals refused: ${res.statusCode} ${res.body}`);
      return res.statusCode;
    },
    async findings() {
      const rows = await test.store.db.selectFrom('findings').selectAll().orderBy('detected_at').execute();
      return rows.map((r) => ({ ...r, policy_version: Number(r.policy_version), evidence: JSON.parse(r.evidence) }));
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
