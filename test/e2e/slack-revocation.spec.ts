/**
 * Ending the session everywhere (issue #7), in real Chromium with the built extension
 * under a real managed policy, the backend as a real process, and the fake Slack Web API
 * and Audit Logs API on loopback (test/fakes/fake-slack-api.ts). The Slack user id comes
 * from the page itself (the extension's slack_identity content script) and is verified by
 * Sign in with Slack against the fake OpenID provider (issue #10): the user allowed it
 * before, so the extension's silent flow does it, and only a verified user reaches Slack.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { withSlackApi } from './harness/slack-api-fixtures';
import { expect } from './harness/fixtures';
import type { Backend } from './harness/backend';
import { metricValue } from './harness/detection';
import { randomUUID } from 'node:crypto';
import { TEAM_ID, USER_ID } from '../fakes/fake-slack';
import { enrollRequest, fakeDevice, signedHeaders } from '../fixtures/server/fake-device';
import { auditEntry, FAKE_TOKEN, type FakeSlackApi } from '../fakes/fake-slack-api';

const test = withSlackApi({ SESSION_GUARD_LOG_LEVEL: 'trace' });

const FILES = 5;
const downloads = { excessive_downloads: { maxFiles: FILES, maxBytes: 500_000_000, windowSeconds: 600 } };
const now = () => Math.floor(Date.now() / 1000);

/** Waits until the backend's revocation worker has gone over its queue `passes` more times. */
async function revocationWorkerLooked(backend: Backend, passes = 2) {
  const ticks = async () => metricValue(await backend.metrics(), 'sg_slack_revocation_ticks_total') ?? 0;
  const before = await ticks();
  await expect.poll(ticks, { timeout: 15_000 }).toBeGreaterThanOrEqual(before + passes);
}

/** Waits until the backend has polled the (fake) audit log `polls` more times. */
async function auditLogPolled(slackApi: FakeSlackApi, polls = 2) {
  const before = slackApi.callsTo('audit/v1/logs').length;
  await expect
    .poll(() => slackApi.callsTo('audit/v1/logs').length, { timeout: 15_000 })
    .toBeGreaterThanOrEqual(before + polls);
}

async function connectSlack(backend: Backend) {
  const view = await backend.api('/api/slack/connection', {
    method: 'PUT',
    body: JSON.stringify({ token: FAKE_TOKEN }),
  });
  expect(view).toMatchObject({ connected: true, lastTest: { ok: true } });
}

/**
 * Signs in once the extension is enrolled: the page names its Slack user once per load,
 * and a guard that is not active yet drops what it is told (src/extension/signal-sink.ts).
 */
async function signInGuarded(slack: { signIn(): Promise<unknown> }, backend: Backend) {
  await expect
    .poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, { message: 'device enrolled' })
    .toBe(1);
  await slack.signIn();
}

/** The device once its page reported the Slack user and Slack verified it (silently). */
async function deviceOf(backend: Backend): Promise<{ id: string; userAgent: string }> {
  let device: { id: string; userId: string | null; identity: string | null; userAgent: string } | undefined;
  await expect
    .poll(
      async () => ((device = (await backend.api('/api/devices')).devices?.[0]), [device?.userId, device?.identity]),
      {
        message: 'the page reported the Slack user and Slack verified it',
      },
    )
    .toEqual([USER_ID, 'verified']);
  return device!;
}

/** The token appears in no answer, no export, no log line and nowhere in the store's files. */
async function expectTokenNowhere(backend: Backend) {
  const answers = await Promise.all(
    [
      '/api/slack/connection',
      '/api/slack/revocations',
      '/api/verdicts',
      '/api/findings',
      '/api/devices',
      '/api/audit',
      '/api/exports/verdicts.json',
      '/api/exports/findings.json',
      '/api/exports/findings.ocsf.json',
    ].map((p) => backend.api(p)),
  );
  for (const answer of answers) expect(JSON.stringify(answer)).not.toContain(FAKE_TOKEN);
  expect(backend.output()).toContain('slack connected');
  expect(backend.output()).not.toContain(FAKE_TOKEN);
  for (const file of readdirSync(backend.dataDir)) {
    expect(readFileSync(join(backend.dataDir, file)).includes(FAKE_TOKEN), file).toBe(false);
  }
  expect(statSync(join(backend.dataDir, 'slack-secret.key')).mode & 0o777).toBe(0o600);
}

test.describe('serverSideRevocation: user', () => {
  test.use({ orgPolicy: { mode: 'enforce', serverSideRevocation: 'user', detectors: downloads } });

  test('a verdict clears the cookie and Slack receives exactly one reset for the page’s user', async ({
    slack,
    backend,
    slackApi,
  }) => {
    await connectSlack(backend);
    await signInGuarded(slack, backend);
    await deviceOf(backend);

    await slack.downloadFiles(FILES + 1);
    await expect.poll(() => slack.sessionCookie(), { intervals: [20], timeout: 15_000 }).toBeUndefined();
    await expect.poll(async () => (await backend.api('/api/slack/revocations')).revocations?.[0]?.status).toBe('done');
    await revocationWorkerLooked(backend); // the worker went over its queue again: nothing more may go out

    expect(slackApi.callsTo('admin.users.session.reset').map((c) => c.params)).toEqual([{ user_id: USER_ID }]);
    const [verdict] = (await backend.api('/api/verdicts')).verdicts;
    const serverSide = await backend.api(`/api/verdicts/${verdict.id}/server-side`);
    expect(serverSide.timeline.map((e: { kind: string }) => e.kind)).toEqual(['queued', 'reset', 'done']);
    console.log(
      `verdict issued → Slack reset received: ${slackApi.callsTo('admin.users.session.reset')[0]!.at - verdict.issuedAt} ms`,
    );
    await expect.poll(async () => (await backend.api('/api/verdicts')).verdicts[0]?.ack?.outcome).toBe('executed');
    await expectTokenNowhere(backend);
  });
});

/** An insider's script: the enrollment token from managed policy, a key of its own, signed posts. */
async function insiderDevice(backend: Backend) {
  const policy = await backend.exportPolicy();
  const [settings] = Object.values(policy['3rdparty'].extensions) as { enrollmentToken: string }[];
  const device = await fakeDevice();
  const post = async (path: string, body: unknown) => {
    const text = JSON.stringify(body);
    const res = await fetch(`${backend.url}${path}`, {
      method: 'POST',
      body: text,
      headers: await signedHeaders(device, text),
    });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
  };
  await post('/v1/enroll', enrollRequest(device, settings!.enrollmentToken));
  return { device, post };
}

test.describe('serverSideRevocation: user, against a forged claim (issue #10)', () => {
  test.use({ orgPolicy: { mode: 'enforce', serverSideRevocation: 'user', detectors: downloads } });

  test('a forged claim for the same user resets nothing, and the victim’s next real finding still does', async ({
    slack,
    backend,
    slackApi,
  }) => {
    await connectSlack(backend);
    await signInGuarded(slack, backend);
    const victim = await deviceOf(backend);
    const insider = await insiderDevice(backend);

    const at = Date.now();
    await insider.post('/v1/signals', {
      deviceId: insider.device.id,
      batchId: randomUUID(),
      sentAt: at,
      signals: [
        { id: randomUUID(), type: 'slack_identity', at, teamId: TEAM_ID, userId: USER_ID },
        ...Array.from({ length: FILES + 1 }, (_, i) => ({
          id: randomUUID(),
          type: 'download',
          at: at + i,
          source: 'downloads_api',
          host: 'files.slack.com',
          bytes: 1000,
        })),
      ],
    });
    const revocationOf = async (deviceId: string) =>
      ((await backend.api('/api/slack/revocations')).revocations ?? []).find(
        (r: { deviceId: string }) => r.deviceId === deviceId,
      );
    await expect.poll(async () => (await revocationOf(insider.device.id))?.status).toBe('failed');
    expect((await revocationOf(insider.device.id)).lastError).toContain('no_verified_slack_user');
    expect(slackApi.callsTo('admin.users.session.reset')).toEqual([]);

    await slack.downloadFiles(FILES + 1);

    await expect.poll(() => slack.sessionCookie(), { intervals: [20], timeout: 15_000 }).toBeUndefined();
    await expect.poll(async () => (await revocationOf(victim.id))?.status).toBe('done');
    expect(slackApi.callsTo('admin.users.session.reset').map((c) => c.params)).toEqual([{ user_id: USER_ID }]);
    const findings = (await backend.api('/api/findings')).findings as { deviceId: string; outcome: string }[];
    expect(findings.filter((f) => f.deviceId === victim.id).map((f) => f.outcome)).toEqual(['verdict_issued']);
  });
});

test.describe('serverSideRevocation: session', () => {
  test.use({ orgPolicy: { mode: 'enforce', serverSideRevocation: 'session', detectors: downloads } });

  test('a verdict ends only the Slack session that is not the guarded browser’s', async ({
    slack,
    backend,
    slackApi,
  }) => {
    slackApi.sessions = [
      {
        session_id: 5001,
        team_id: 'T0SGUARD01',
        user_id: USER_ID,
        created: { device_hardware: 'Computer', os: 'Linux', ip: '127.0.0.1' },
        recent: { device_hardware: 'Computer', os: 'Linux', ip: '127.0.0.1' },
      },
      {
        session_id: 5002,
        team_id: 'T0SGUARD01',
        user_id: USER_ID,
        created: { device_hardware: 'Computer', os: 'Windows', ip: '198.51.100.7' },
        recent: { device_hardware: 'Computer', os: 'Windows', ip: '198.51.100.7' },
      },
    ];
    await connectSlack(backend);
    await signInGuarded(slack, backend);
    await deviceOf(backend);

    await slack.downloadFiles(FILES + 1);
    await expect.poll(() => slack.sessionCookie(), { intervals: [20], timeout: 15_000 }).toBeUndefined();
    await expect.poll(async () => (await backend.api('/api/slack/revocations')).revocations?.[0]?.status).toBe('done');
    await revocationWorkerLooked(backend);

    expect(slackApi.callsTo('admin.users.session.invalidate').map((c) => c.params)).toEqual([
      { session_id: 5002, team_id: 'T0SGUARD01' },
    ]);
    expect(slackApi.callsTo('admin.users.session.reset')).toEqual([]);
    expect(slackApi.sessions.map((s) => s.session_id)).toEqual([5001]);
    await expectTokenNowhere(backend);
  });
});

test.describe('audit log: session used off the device', () => {
  test.use({
    orgPolicy: {
      mode: 'enforce',
      serverSideRevocation: 'user',
      detectors: { session_used_off_device: { action: 'terminate' } },
    },
  });

  test('activity from an unknown address ends both halves: the cookie in the browser and the sessions at Slack', async ({
    slack,
    backend,
    slackApi,
  }) => {
    await connectSlack(backend);
    await signInGuarded(slack, backend);
    const device = await deviceOf(backend);
    slackApi.audit.push(
      auditEntry({
        id: 'own-use',
        at: now() - 2,
        userId: USER_ID,
        action: 'file_downloaded',
        ip: '127.0.0.1',
        ua: device.userAgent,
      }),
    );
    await expect
      .poll(async () => (await backend.api('/api/slack/connection')).auditLog)
      .toMatchObject({ entriesSeen: 1, pendingEntries: 0 });
    // The entry was processed: the device's own activity is not a finding, and nothing ended.
    expect((await backend.api('/api/findings')).findings).toEqual([]);
    expect((await backend.api('/api/verdicts')).verdicts).toEqual([]);
    expect(await slack.sessionCookie()).toMatch(/^xoxd-/);

    slackApi.audit.push(
      auditEntry({
        id: 'stolen-cookie',
        at: now() - 1,
        userId: USER_ID,
        action: 'file_downloaded',
        ip: '198.51.100.7',
        ua: 'python-requests/2.31',
        sessionId: '9001',
      }),
    );
    const loggedAt = Date.now();

    await expect.poll(() => slack.sessionCookie(), { intervals: [50], timeout: 20_000 }).toBeUndefined();
    console.log(
      `audit entry available → cookie cleared in the browser: ${Date.now() - loggedAt} ms (poll interval 1 s)`,
    );
    await expect.poll(() => slackApi.callsTo('admin.users.session.reset').length).toBe(1);
    const [finding] = (await backend.api('/api/findings')).findings;
    expect(finding).toMatchObject({
      reason: 'session_used_off_device',
      outcome: 'verdict_issued',
      deviceId: device.id,
    });
    expect(finding.evidence).toMatchObject({ ip: '198.51.100.7', slackSessionId: '9001' });
    expect(slackApi.callsTo('admin.users.session.reset')[0]!.params).toEqual({ user_id: USER_ID });
    await expect
      .poll(async () => (await backend.api(`/api/verdicts/${finding.verdictId}/server-side`)).revocation?.status)
      .toBe('done');
    await expectTokenNowhere(backend);
  });
});

test.describe('audit log connector across a restart', () => {
  test.use({ orgPolicy: { mode: 'enforce' } });

  test('resumes after the backend restarts, with no gap and no duplicate', async ({ backend, slackApi }) => {
    const anomaly = (id: string, at: number) =>
      auditEntry({ id, at, userId: 'U0SOMEONE1', action: 'anomaly', ip: '198.51.100.9', details: { reason: ['tor'] } });
    await connectSlack(backend);
    slackApi.audit.push(
      anomaly('before-1', now() - 30),
      anomaly('before-2', now() - 20),
      anomaly('before-3', now() - 10),
    );
    await expect.poll(async () => (await backend.api('/api/slack/connection')).auditLog.entriesSeen).toBe(3);

    await backend.stop();
    slackApi.audit.push(anomaly('while-down', now() - 1), anomaly('late-indexed', now() - 40));
    await new Promise((r) => setTimeout(r, 1500));
    await backend.start();
    slackApi.audit.push(anomaly('after', now()));

    await expect
      .poll(async () => (await backend.api('/api/slack/connection')).auditLog.entriesSeen, { timeout: 20_000 })
      .toBe(6);
    await auditLogPolled(slackApi); // more polls: still six
    const status = await backend.api('/api/slack/connection');
    expect(status.auditLog).toMatchObject({ entriesSeen: 6, pendingEntries: 0, lastError: null });
    const findings = (await backend.api('/api/findings?limit=100')).findings.filter(
      (f: { detector: string }) => f.detector === 'slack_anomaly',
    );
    expect(findings.map((f: { evidence: { slackEntryId: string } }) => f.evidence.slackEntryId).sort()).toEqual([
      'after',
      'before-1',
      'before-2',
      'before-3',
      'late-indexed',
      'while-down',
    ]);
    await expectTokenNowhere(backend);
  });
});
