/**
 * Helpers for the detection end-to-end tests (test/e2e/detection-*.spec.ts): waiting for
 * enrollment and for signals to be stored, reading Slack's session cookie in any browser,
 * watching it disappear, and getting a real session from the fake Slack without a browser
 * (what a thief holds after stealing it).
 */
import { request } from 'node:https';
import { expect, type BrowserContext } from '@playwright/test';
import type { Backend } from './backend';
import { storedSignals, type StoredSignal } from './backend-db';

export async function devicesEnrolled(backend: Backend, count = 1): Promise<void> {
  await expect
    .poll(async () => (await backend.api('/api/devices')).devices?.length ?? 0, {
      message: `${count} device(s) enrolled`,
      timeout: 30_000,
    })
    .toBeGreaterThanOrEqual(count);
}

/** A sample's value in Prometheus text (labels included in `series`), or null when absent. */
export function metricValue(text: string, series: string): number | null {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? null : Number(line.slice(series.length + 1));
}

/**
 * Waits until the backend has run detection on every batch it stored: the ingest counts a
 * batch in flight from storing it until it answered (after detection), so once a signal is
 * seen stored, 0 in flight proves its batch was looked at. Call it after the signal was seen
 * and before asserting that nothing happened.
 */
export async function detectionSettled(backend: Backend): Promise<void> {
  await expect
    .poll(async () => metricValue(await backend.metrics(), 'sg_signal_batches_in_flight'), {
      message: 'every stored batch has been through detection',
      timeout: 30_000,
    })
    .toBe(0);
}

/** The stored signals of one type that satisfy `match`, once at least one has arrived. */
export async function storedOnce(
  backend: Backend,
  type: string,
  match: (s: StoredSignal) => boolean = () => true,
): Promise<StoredSignal[]> {
  let found: StoredSignal[] = [];
  await expect
    .poll(() => (found = storedSignals(backend.dataDir, type).filter(match)).length, {
      message: `a stored ${type} signal`,
      timeout: 30_000,
    })
    .toBeGreaterThan(0);
  return found;
}

export async function sessionCookie(context: BrowserContext): Promise<string | undefined> {
  const cookies = await context.cookies('https://app.slack.com/');
  return cookies.find((c) => c.name === 'd' && c.domain === '.slack.com')?.value;
}

/** Resolves when the browser no longer holds a `d` cookie (fails after `timeout`). */
export async function sessionEnded(context: BrowserContext, timeout = 20_000): Promise<void> {
  await expect
    .poll(() => sessionCookie(context), { intervals: [50], timeout, message: 'the Slack session cookie is gone' })
    .toBeUndefined();
}

export async function verdictReasons(backend: Backend): Promise<string[][]> {
  return ((await backend.api('/api/verdicts')).verdicts as { reasons: string[] }[]).map((v) => v.reasons);
}

/**
 * Signs in to the fake Slack from Node, as a thief's tooling would replay a stolen
 * session: returns the cookies `/signin` set (`d`, `d-s`, `b`), valid at the fake Slack.
 */
export function stealSession(port: number): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/signin',
        headers: { host: 'slack.com' },
        rejectUnauthorized: false,
      },
      (res) => {
        res.resume();
        const jar: Record<string, string> = {};
        for (const line of res.headers['set-cookie'] ?? []) {
          const pair = line.split(';')[0]!;
          const eq = pair.indexOf('=');
          jar[pair.slice(0, eq)] = pair.slice(eq + 1);
        }
        if (!jar.d) reject(new Error(`the fake Slack set no d cookie (HTTP ${res.statusCode})`));
        else resolve(jar);
      },
    );
    req.on('error', reject);
    req.end('email=analyst%40example.com&password=x');
  });
}

/** Cookie attributes Slack's session cookies carry (DESIGN.md). */
export function slackCookie(name: string, value: string) {
  return {
    name,
    value,
    domain: '.slack.com',
    path: '/',
    expires: Math.floor(Date.now() / 1000) + 10 * 365 * 86_400,
    httpOnly: name !== 'b',
    secure: true,
    sameSite: 'Lax' as const,
  };
}

/** The fingerprint the extension has cached for this browser session, once it has one. */
export async function cachedFingerprint(context: BrowserContext): Promise<Record<string, any>> {
  const worker =
    context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker'));
  let fingerprint: Record<string, any> | undefined;
  await expect
    .poll(
      async () =>
        (fingerprint = await worker.evaluate(
          async () => (await (globalThis as any).chrome.storage.session.get('fingerprint')).fingerprint,
        )),
      {
        message: 'the extension has read its fingerprint',
        timeout: 30_000,
      },
    )
    .toBeTruthy();
  return fingerprint!;
}
