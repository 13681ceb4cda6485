/**
 * The Slack tests' preset of the one app factory (test-app.ts): the Slack integration
 * pointed at the fake Slack API (test/fakes/fake-slack-api.ts) with no timers, so a test
 * says when work happens (`slack.tick()`), a controllable clock, devices that report from a
 * chosen address, and what was stored. Sign in with Slack runs against a fake OpenID
 * provider behind the fake Web API (issue #10): `guardedDevice()` is verified by Slack, as
 * only verified identities reach Slack; `claimingDevice()` only claims a user, as an
 * insider's script can. `useFakeSlackApi` is the set-up every Slack test file shares.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { AppDeps } from '../../../src/server/app';
import { issueApiToken } from '../../../src/server/auth/admin-auth';
import { resolveSlackConfig } from '../../../src/server/slack/config';
import { loadSecretKey } from '../../../src/server/slack/secret-key';
import { createSlackService, type SlackService } from '../../../src/server/slack/service';
import type { OrgPolicyInput } from '../../../src/shared/policy/org-policy';
import type { Signal } from '../../../src/shared/protocol/signals';
import { FAKE_TOKEN, startFakeSlackApi, type FakeSlackApi, type FakeToken } from '../../fakes/fake-slack-api';
import { startFakeSlackOidc, type FakeSlackOidc, type OidcUser } from '../../fakes/fake-slack-oidc';
import type { FakeDevice } from '../../fixtures/server/fake-device';
import { fakeDownloadBurst } from '../../fixtures/server/fake-signals';
import { createTestApp } from './test-app';
import { stopPostgres, type TestDialect, type TestStore } from './test-store';
import { fakeIdentityVerifier, verifyIdentity } from './verify-identity';

export const OFFICE_IP = '203.0.113.10';
export const SLACK_USER = 'U0SGUARD01';
export const SLACK_TEAM = 'T0SGUARD01';
/** The guarded user as Slack's Sign in with Slack knows them. */
export const GUARDED_USER: OidcUser = { userId: SLACK_USER, teamId: SLACK_TEAM, email: 'analyst@example.com' };
export const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export interface SlackTestApp extends TestStore {
  app: FastifyInstance;
  fake: FakeSlackApi;
  /** The Sign in with Slack provider the backend verifies identities with. */
  oidc: FakeSlackOidc;
  slack: SlackService;
  clock: { now: number };
  token: string;
  setPolicy(input: OrgPolicyInput): Promise<number>;
  enroll(): Promise<FakeDevice>;
  send(device: FakeDevice, signals: Signal[], ip?: string): Promise<void>;
  /** Enrolls a device whose page reported SLACK_USER and whom Slack verified, from OFFICE_IP. */
  guardedDevice(): Promise<FakeDevice>;
  /** Enrolls a device that only claims `userId` (default SLACK_USER): nothing Slack vouched for. */
  claimingDevice(userId?: string, ip?: string): Promise<FakeDevice>;
  /** Runs Sign in with Slack for `device` as `user` (default the guarded user). */
  verify(device: FakeDevice, user?: OidcUser): Promise<void>;
  /** Downloads past the policy's maxFiles: a verdict for the device. */
  triggerVerdict(device: FakeDevice): Promise<string>;
  connect(): Promise<void>;
  /** The device's poll: the verdicts it would execute now (ids). */
  poll(device: FakeDevice): Promise<string[]>;
  api(method: string, url: string, payload?: unknown): Promise<{ status: number; body: any; text: string }>;
  close(): Promise<void>;
}

export async function createSlackTestApp(
  dialect: TestDialect,
  policy: OrgPolicyInput,
  fake?: FakeSlackApi,
  logger?: AppDeps['logger'],
  /** The production wiring: timers on, work runs without `slack.tick()`. */
  timers = false,
): Promise<SlackTestApp> {
  const api = fake ?? (await startFakeSlackApi());
  const oidc = await startFakeSlackOidc();
  api.oidc = oidc;
  let slack: SlackService | undefined;
  const t = await createTestApp({
    dialect,
    policy,
    startAt: Date.parse('2025-11-03T10:00:00Z'),
    remoteAddress: OFFICE_IP,
    userAgent: BROWSER_UA,
    deps: (test) => {
      const config = {
        ...resolveSlackConfig(
          {},
          { SESSION_GUARD_SLACK_API_URL: api.apiUrl, SESSION_GUARD_SLACK_AUDIT_URL: api.auditUrl },
        ),
        auditRequestGapMs: 0,
        accessRequestGapMs: 0,
        retryDelaysMs: [1000, 5000],
      };
      const key = loadSecretKey({
        env: { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') },
        dataDir: test.dataDir,
      });
      slack = createSlackService({ db: test.store.db, config, key: () => key, timers });
      return {
        slack,
        // The code goes to `--slack-api-url` (the fake Web API), which hands it to the provider.
        identity: fakeIdentityVerifier(oidc, { teams: [SLACK_TEAM], apiUrl: api.apiUrl }),
        logger,
      };
    },
  });
  if (!slack) throw new Error('the Slack service was not built');
  const { app, clock, enroll } = t;
  oidc.now = () => clock.now;
  const token = (await issueApiToken(t.store.db, 'slack-tests', clock.now)).token;

  const send = async (device: FakeDevice, signals: Signal[], ip = OFFICE_IP) => {
    await t.send(device, signals, { ip });
  };
  const claim = async (device: FakeDevice, userId: string, ip = OFFICE_IP) =>
    send(device, [{ id: randomUUID(), type: 'slack_identity', at: clock.now, teamId: SLACK_TEAM, userId }], ip);
  const verify = async (device: FakeDevice, user: OidcUser = GUARDED_USER) => {
    await verifyIdentity({ app, clock, remoteAddress: OFFICE_IP }, oidc, device, user);
  };
  const callApi = async (method: string, url: string, payload?: unknown) => {
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { payload: JSON.stringify(payload) } : {}),
    });
    let body: any = null;
    try {
      body = res.json();
    } catch {
      // Not JSON (an export as CSV): the text is what tests look at.
    }
    return { status: res.statusCode, body, text: res.body };
  };
  return {
    ...t,
    fake: api,
    oidc,
    slack,
    token,
    enroll: () => enroll(),
    send,
    async guardedDevice() {
      const device = await enroll();
      await claim(device, SLACK_USER);
      await verify(device);
      return device;
    },
    async claimingDevice(userId = SLACK_USER, ip = OFFICE_IP) {
      const device = await enroll();
      await claim(device, userId, ip);
      return device;
    },
    verify,
    async triggerVerdict(device) {
      await send(device, fakeDownloadBurst(3, clock.now));
      const row = await t.store.db
        .selectFrom('verdicts')
        .select('id')
        .where('device_id', '=', device.id)
        .orderBy('issued_at', 'desc')
        .executeTakeFirstOrThrow();
      return row.id;
    },
    async connect() {
      const res = await callApi('PUT', '/api/slack/connection', { token: FAKE_TOKEN });
      if (res.status !== 200) throw new Error(`connect failed: ${res.status} ${res.text}`);
    },
    api: callApi,
    async poll(device) {
      const res = await t.post('/v1/verdicts/poll', device, {
        deviceId: device.id,
        sentAt: clock.now,
        nonce: randomUUID(),
      });
      return (res.json() as { verdicts: { payload: string }[] }).verdicts.map(
        (v) => (JSON.parse(v.payload) as { id: string }).id,
      );
    },
    async close() {
      await t.close();
      api.oidc = null;
      await oidc.close();
      if (!fake) await api.close();
    },
  };
}

/**
 * The set-up every Slack test file shares: one fake Slack API for the file (handed to
 * `started`), the test's app closed and the fake's state reset after each test
 * (calls, audit log, sessions, owners, disabled features, the owner's token), and
 * PostgreSQL stopped at the end.
 */
export function useFakeSlackApi(hooks: { started(fake: FakeSlackApi): void; app(): SlackTestApp | undefined }): void {
  let fake: FakeSlackApi | undefined;
  let ownerToken: FakeToken | undefined;
  beforeAll(async () => {
    fake = await startFakeSlackApi();
    ownerToken = fake.tokens.get(FAKE_TOKEN);
    hooks.started(fake);
  });
  afterEach(async () => {
    await hooks.app()?.close();
    if (!fake) return;
    fake.calls.splice(0);
    fake.audit.splice(0);
    fake.sessions = [];
    fake.primaryOwners.clear();
    fake.featureDisabled.clear();
    if (ownerToken) fake.tokens.set(FAKE_TOKEN, ownerToken);
  });
  afterAll(async () => {
    await fake?.close();
    await stopPostgres();
  });
}

/** The org policy the revocation tests start from: 3 downloads end the session. */
export const downloadsPolicy = (serverSideRevocation: 'auto' | 'none' | 'session' | 'user'): OrgPolicyInput => ({
  serverSideRevocation,
  detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e12, windowSeconds: 60 } },
});
