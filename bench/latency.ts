/**
 * Issue 16's latency figure in real Chromium: from the download that crosses the
 * threshold completing to the `d` cookie removed, over many terminations (100 by default,
 * SESSION_GUARD_BENCH_TERMINATIONS to change), with where the time goes. One backend
 * (`serve`, SQLite), the fake Slack, and Chromium with the built extension under a real
 * managed policy, driven by playwright directly (not the test runner). Each termination
 * is a new session: sign in, download, wait for the cookie to go and for the ack.
 *
 * Timestamps per termination (bench/latency-report.ts): the download event (bench), the
 * signal's `at` (extension, read from the store), the backend's "verdict issued" log line
 * (request arrived, batch stored, verdict handed to the hub), the ack's timings
 * (received, verified, cleared), and the bench's cookie poll. Signing out at Slack comes
 * after the clear and is not part of the figure. It measures the build in .output/ and
 * dist/ (making one with `npm run build` when there is none); about two minutes.
 */
import type { BenchResult } from './report';
import { chromium } from '@playwright/test';
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeSlack } from '../test/fakes/fake-slack';
import { startBackend, type Backend } from '../test/e2e/harness/backend';
import { assertMountNamespaces, chromiumArgs, chromiumWithPolicy, findChromium } from '../test/e2e/harness/chromium';
import { SlackPage } from '../test/e2e/harness/slack-page';
import { latencyTarget, printReport, type Sample } from './latency-report';

const ROOT = new URL('../', import.meta.url).pathname;
const EXTENSION_DIR = join(ROOT, '.output', 'chrome-mv3');
const TERMINATIONS = Number(process.env.SESSION_GUARD_BENCH_TERMINATIONS ?? 100);
const STEP_TIMEOUT_MS = 20_000;

/** One file crosses the threshold once the window holds another; no cooldown between verdicts. */
const ORG_POLICY = {
  mode: 'enforce',
  cooldownSeconds: 0,
  detectors: { excessive_downloads: { maxFiles: 1, maxBytes: 500_000_000, windowSeconds: 3600 } },
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function until<T>(what: string, probe: () => Promise<T | undefined>, intervalMs: number): Promise<T> {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`latency bench: timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

/** `policy export` without the force-install entry (the build is loaded unpacked), as the e2e fixtures do. */
async function managedPolicy(backend: Backend) {
  return { '3rdparty': (await backend.exportPolicy())['3rdparty'] };
}

/** The download signal that triggered the verdict, as the backend stored it (device clock). */
function triggeringSignalAt(dataDir: string, verdictId: string): number {
  const db = new Database(join(dataDir, 'session-guard.sqlite'), { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        'SELECT s.at AS at FROM findings f JOIN signals s ON s.id = f.signal_id AND s.device_id = f.device_id WHERE f.verdict_id = ?',
      )
      .get(verdictId) as { at: number } | undefined;
    if (!row) throw new Error(`no triggering signal stored for verdict ${verdictId}`);
    return Number(row.at);
  } finally {
    db.close();
  }
}

/** The backend's "verdict issued" log line (src/server/routes/signals.ts) for one verdict. */
function serverTimings(output: string, verdictId: string) {
  for (const line of output.split('\n')) {
    if (!line.includes(verdictId) || !line.includes('"verdict issued"')) continue;
    return (JSON.parse(line) as { timings: { arrivedAt: number; storedAt: number; publishedAt: number } }).timings;
  }
  throw new Error(`no "verdict issued" log line for ${verdictId}`);
}

async function terminate(slack: SlackPage, backend: Backend, seen: Set<string>, downloads: number): Promise<Sample> {
  await slack.signIn();
  await until('a session cookie', () => slack.sessionCookie(), 20).catch(async (error: Error) => {
    // Say what ended it, if anything did: a verdict the bench did not ask for is a finding.
    const { verdicts } = await backend.api<{ verdicts: any[] }>('/api/verdicts');
    const unasked = verdicts.filter((v) => !seen.has(v.id)).map((v) => `${v.id}: ${v.reasons.join(', ')}`);
    throw new Error(`${error.message}; verdicts not from this bench's downloads: ${unasked.join('; ') || 'none'}`);
  });
  const downloadAt = await slack.downloadFiles(downloads);
  const removedAt = await until(
    'the d cookie removed',
    async () => ((await slack.sessionCookie()) ? undefined : Date.now()),
    5,
  );
  const verdict = await until(
    'the acknowledged verdict',
    async () => {
      const { verdicts } = await backend.api<{ verdicts: any[] }>('/api/verdicts');
      const fresh = verdicts.find((v) => !seen.has(v.id) && v.reasons.includes('excessive_downloads'));
      return fresh?.ack ? fresh : undefined;
    },
    50,
  );
  seen.add(verdict.id);
  // The Slack tab is sent to the explanation page after the clear, possibly after the ack:
  // the next sign-in waits for it, or that navigation would cut the next one short.
  await slack.page!.waitForURL((url) => url.href.includes(`terminated.html?verdict=${verdict.id}`), {
    timeout: 10_000,
  });
  if (verdict.ack.outcome !== 'executed') throw new Error(`verdict ${verdict.id} was ${verdict.ack.outcome}`);
  const server = serverTimings(backend.output(), verdict.id);
  const { receivedAt, verifiedAt, sessionEndedAt, clearedAt } = verdict.ack.timings;
  return {
    downloadAt,
    signalAt: triggeringSignalAt(backend.dataDir, verdict.id),
    ...server,
    receivedAt,
    verifiedAt,
    sessionEndedAt,
    clearedAt,
    removedAt,
  };
}

export async function run(): Promise<BenchResult> {
  const missing = [join(EXTENSION_DIR, 'manifest.json'), join(ROOT, 'dist', 'server', 'cli.js')].filter(
    (file) => !existsSync(file),
  );
  if (missing.length) {
    console.log(`no build (${missing.join(', ')} missing): running \`npm run build\` first`);
    execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe' });
  } else {
    console.log('measuring the existing build in .output/ and dist/ (after a change: `npm run build`)');
  }
  assertMountNamespaces();
  const dir = mkdtempSync(join(tmpdir(), 'sg-latency-'));
  const dataDir = join(dir, 'backend-data');
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(dir, 'chromium'), { recursive: true });
  const fake = await startFakeSlack();
  const backend = await startBackend(dataDir, ORG_POLICY);
  const executable = chromiumWithPolicy(join(dir, 'chromium'), await findChromium(), await managedPolicy(backend));
  const context = await chromium.launchPersistentContext(join(dir, 'chromium', 'profile'), {
    executablePath: executable,
    headless: true,
    args: chromiumArgs(EXTENSION_DIR, fake.hostRules),
    ignoreDefaultArgs: ['--disable-extensions', '--disable-component-extensions-with-background-pages'],
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  });
  const startLoad = load();
  const target = latencyTarget(loadavg()[0]!, cpus().length);
  const started = Date.now();
  try {
    console.log(
      `${TERMINATIONS} terminations; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; load average at start ${startLoad}`,
    );
    console.log('quiet or busy is the runner’s to arrange: the load averages say which it was');
    const slack = new SlackPage(context, fake);
    await slack.signIn();
    await until(
      'the device enrolled',
      async () => ((await backend.api('/api/devices')).devices?.length ? true : undefined),
      100,
    );
    const seen = new Set<string>();
    const samples: Sample[] = [];
    for (let n = 0; n < TERMINATIONS; n++) {
      // The first needs two files in the window; after that each download crosses the threshold.
      samples.push(await terminate(slack, backend, seen, n === 0 ? 2 : 1));
      if ((n + 1) % 25 === 0 && n + 1 < TERMINATIONS) console.log(`… ${n + 1} done`);
    }
    const figures = printReport(samples, target);
    const endLoad = load();
    console.log(`load average at end ${endLoad}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
    return {
      figures,
      method:
        `Real Chromium (Playwright, the built extension force-configured by managed policy), the real backend and the fake Slack; ` +
        `${TERMINATIONS} terminations one after another, each from the download that crosses the threshold completing to the ` +
        `\`d\` cookie removed, split into stages from the signal's stamp, the backend's "verdict issued" log line and the ack's ` +
        `timings. Load average ${startLoad} at the start, ${endLoad} at the end.`,
    };
  } finally {
    await context.close();
    await backend.stop();
    await fake.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
