/**
 * An app around a real store, with a controllable clock and policy, plus the device-side
 * helpers tests use to talk to it (enroll, signed POSTs).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../../src/server/app';
import type { AppContext } from '../../../src/server/app-context';
import { applyPolicy } from '../../../src/server/policy/policy-store';
import { createLocalHub, type VerdictHub } from '../../../src/server/verdicts/hub';
import { OrgPolicy, type OrgPolicyInput } from '../../../src/shared/policy/org-policy';
import { enrollRequest, fakeDevice, signedHeaders, type FakeDevice } from '../../fixtures/server/fake-device';
import { createTestStore, type TestDialect, type TestStore } from './test-store';

export interface TestApp extends TestStore {
  app: FastifyInstance;
  hub: VerdictHub;
  clock: { now: number };
  setPolicy(input: OrgPolicyInput): Promise<number>;
  enroll(device?: FakeDevice): Promise<FakeDevice>;
  post(url: string, device: FakeDevice, body: unknown, signer?: FakeDevice): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export interface TestAppOptions {
  dialect?: TestDialect;
  policy?: OrgPolicyInput;
  context?: Partial<AppContext>;
}

export const EXTENSION_ORIGIN = 'chrome-extension://abcdefghijklmnopabcdefghijklmnop';

export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const test = await createTestStore(options.dialect);
  const clock = { now: Date.now() };
  const hub = createLocalHub();
  const app = await buildApp({
    db: test.store.db,
    dialect: test.store.dialect,
    secrets: test.store.secrets,
    hub,
    now: () => clock.now,
    extensionOrigins: [EXTENSION_ORIGIN],
    ...options.context,
  });
  const setPolicy = async (input: OrgPolicyInput) =>
    (await applyPolicy(test.store.db, OrgPolicy.parse(input), 'test', clock.now)).active.version;
  if (options.policy) await setPolicy(options.policy);

  const post = async (url: string, device: FakeDevice, body: unknown, signer?: FakeDevice) => {
    const payload = typeof body === 'string' ? body : JSON.stringify(body);
    return app.inject({ method: 'POST', url, payload, headers: await signedHeaders(device, payload, signer) });
  };
  const enroll = async (device?: FakeDevice) => {
    const d = device ?? (await fakeDevice());
    const payload = JSON.stringify(enrollRequest(d, test.store.secrets.enrollmentToken, { sentAt: clock.now }));
    const res = await app.inject({
      method: 'POST',
      url: '/v1/enroll',
      payload,
      headers: await signedHeaders(d, payload),
    });
    if (res.statusCode !== 200) throw new Error(`enroll failed: ${res.statusCode} ${res.body}`);
    return d;
  };
  return {
    ...test,
    app,
    hub,
    clock,
    setPolicy,
    enroll,
    post,
    async close() {
      await app.close();
      await test.cleanup();
    },
  };
}
