/**
 * session_fingerprint in real Chromium (issue #3): a Slack session is bound to the browser
 * that signed in. Its `d` cookie copied into a second browser profile, one with another
 * user agent (Windows), time zone and languages, is ended there, while the first browser
 * keeps it. The benign twin restarts the first browser after a "browser update" (a newer
 * user agent) on a new monitor (another size and scale): nothing ends.
 * session_cookie_injection and spoofed_user_agent are off here, so the verdict can only come
 * from the fingerprint.
 */
import assert from 'node:assert/strict';
import { storedSignals } from './harness/backend-db';
import { expect, test } from './harness/extension-fixtures';
import {
  cachedFingerprint,
  detectionSettled,
  devicesEnrolled,
  sessionCookie,
  sessionEnded,
  storedOnce,
  verdictReasons,
} from './harness/detection';
import { SlackPage } from './harness/slack-page';

const WINDOWS_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

// Only the fingerprint may decide here: the thief's Windows user agent on Linux would also
// be caught by spoofed_user_agent (issue #14), and cookie injection by its own detector.
test.use({
  orgPolicy: {
    mode: 'enforce',
    detectors: { session_cookie_injection: { enabled: false }, spoofed_user_agent: { enabled: false } },
  },
});

test('ends a copied session in another browser and leaves the original alone', async ({
  launch,
  backend,
  fakeSlack,
}) => {
  const victim = await launch({ name: 'victim' });
  await devicesEnrolled(backend, 1);
  const victimPrint = await cachedFingerprint(victim);
  await new SlackPage(victim, fakeSlack).signIn();
  const original = await sessionCookie(victim);
  const [bound] = await storedOnce(
    backend,
    'session_cookie',
    (s) => s.data.change === 'appeared' && s.data.fingerprint,
  );
  assert(bound);

  const thief = await launch({
    name: 'thief',
    args: [`--user-agent=${WINDOWS_UA}`],
    env: { TZ: 'America/New_York' },
    locale: 'fr-FR',
  });
  await devicesEnrolled(backend, 2);
  const thiefPrint = await cachedFingerprint(thief);
  const stolen = (await victim.cookies('https://slack.com/')).filter((c) => ['d', 'd-s', 'b'].includes(c.name));
  const copiedAt = Date.now();
  await thief.addCookies(stolen);
  await sessionEnded(thief);
  console.log(`session copied into another profile → ended there: ${Date.now() - copiedAt} ms`);

  expect(thiefPrint).toMatchObject({ userAgent: WINDOWS_UA, timezone: 'America/New_York' });
  expect(thiefPrint.languages[0]).toBe('fr-FR');
  expect(victimPrint.timezone).not.toBe('America/New_York');
  expect(victimPrint.languages).not.toContain('fr-FR');
  expect(await sessionCookie(victim)).toBe(original);
  const verdicts = (await backend.api('/api/verdicts')).verdicts;
  expect(verdicts.map((v: { reasons: string[] }) => v.reasons)).toEqual([['session_fingerprint']]);
  expect(verdicts[0].deviceId).not.toBe(bound.deviceId);
  expect(verdicts[0].sessionKey).toBe(bound.data.sessionKey);
  // A later report of the same copied session inside the cooldown is recorded too (issue #10):
  // the finding to read is the one that issued the verdict.
  const finding = (await backend.api('/api/findings')).findings.find(
    (f: { verdictId: string | null }) => f.verdictId === verdicts[0].id,
  );
  expect(finding.evidence).toMatchObject({ otherDevice: true, boundDeviceId: bound.deviceId });
  const components = finding.evidence.differences.map((d: { component: string }) => d.component);
  expect(components).toEqual(expect.arrayContaining(['os', 'timezone', 'languages']));
  expect(finding.evidence.fingerprintScore).toBeGreaterThanOrEqual(finding.evidence.mismatchScore);
});

test('keeps the session through a browser update and a new monitor', async ({ launch, backend, fakeSlack }) => {
  const before = await launch({ name: 'laptop' });
  await devicesEnrolled(backend, 1);
  await cachedFingerprint(before);
  await new SlackPage(before, fakeSlack).signIn();
  const session = await sessionCookie(before);
  const [bound] = await storedOnce(
    backend,
    'session_cookie',
    (s) => s.data.change === 'appeared' && s.data.fingerprint,
  );
  assert(bound);
  await before.close();

  const updatedUa = (bound.data.fingerprint.userAgent as string).replace(
    /Chrome\/(\d+)/,
    (_m, v) => `Chrome/${Number(v) + 1}`,
  );
  const after = await launch({
    name: 'laptop',
    args: [`--user-agent=${updatedUa}`, '--window-size=1600,1000', '--force-device-scale-factor=2'],
  });
  const [present] = await storedOnce(
    backend,
    'session_cookie',
    (s) => s.data.change === 'present' && s.data.fingerprint?.userAgent === updatedUa,
  );
  assert(present);
  await detectionSettled(backend); // the batch was looked at: now nothing may have happened

  expect(present.deviceId).toBe(bound.deviceId);
  expect(present.data.sessionKey).toBe(bound.data.sessionKey);
  expect(present.data.fingerprint.userAgent).not.toBe(bound.data.fingerprint.userAgent);
  expect(present.data.fingerprint.screen).not.toEqual(bound.data.fingerprint.screen);
  expect(await sessionCookie(after)).toBe(session);
  expect(await verdictReasons(backend)).toEqual([]);
  expect((await backend.api('/api/findings')).findings).toEqual([]);
  expect(storedSignals(backend.dataDir).filter((s) => s.deviceId !== bound.deviceId)).toEqual([]);
});
