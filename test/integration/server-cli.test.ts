import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { getValue } from '../../src/server/db/kv.repository';
import { openStore } from '../../src/server/db/open-store';
import { TOR_EXIT_LIST_KEY } from '../../src/server/serve';
import { loadExtensionKey } from '../../src/server/extension-key';
import { importSpkiPublicKey } from '../../src/shared/crypto/signing';
import { ManagedPolicy } from '../../src/shared/policy/managed-policy';
import { createPostgresDatabase, DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

// Tests never fetch the Tor Project's list (the default source): `none` turns it off.
function captureIo(env: NodeJS.ProcessEnv = { SESSION_GUARD_TOR_EXIT_LIST: 'none' }) {
  let stop: (signal: string) => void = () => undefined;
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env,
    waitForShutdown: () => new Promise((resolve) => (stop = resolve)),
  };
  return {
    io,
    out,
    err,
    stop: (signal = 'SIGTERM') => stop(signal),
    text: () => out.join('\n'),
    errors: () => err.join('\n'),
  };
}

describe('session-guard CLI', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-cli-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('--help lists every command', async () => {
    const c = captureIo();

    expect(await main(['--help'], c.io)).toBe(0);

    for (const command of ['serve', 'policy export', 'token create']) expect(c.text()).toContain(command);
  });

  it.each([[['frobnicate']], [['serve', '--nope']], [['policy', 'export', '--format']], [['token']], [[]]])(
    'exits 2 with usage for %j',
    async (argv) => {
      const c = captureIo();

      expect(await main(argv, c.io)).toBe(2);

      expect(c.errors()).toContain('Usage: session-guard');
    },
  );

  it('policy export prints the Chromium managed policy from the data dir’s secrets', async () => {
    const c = captureIo();
    const id = loadExtensionKey({}).extensionId;

    const code = await main(
      ['policy', 'export', '--format', 'chrome-linux', '--backend-url', 'http://127.0.0.1:9999/', '--data-dir', dir],
      c.io,
    );

    expect(code).toBe(0);
    const policy = JSON.parse(c.text());
    expect(Object.keys(policy)).toEqual(['ExtensionSettings', '3rdparty']);
    expect(policy.ExtensionSettings).toEqual({
      [id]: {
        installation_mode: 'force_installed',
        update_url: 'http://127.0.0.1:9999/extension/updates.xml',
        override_update_url: true,
      },
    });
    const settings = ManagedPolicy.parse(policy['3rdparty'].extensions[id]);
    expect(settings.backendUrl).toBe('http://127.0.0.1:9999');
    expect(settings.enrollmentToken.length).toBeGreaterThanOrEqual(32);
    await expect(importSpkiPublicKey(settings.verdictPublicKey)).resolves.toBeTruthy();
    const store = await openStore({ dataDir: dir });
    expect(settings).toMatchObject({
      enrollmentToken: store.secrets.enrollmentToken,
      verdictPublicKey: store.secrets.verdictKeys.publicSpki,
    });
    await store.close();
  });

  it('policy export gives the same secrets every time', async () => {
    const runs = [captureIo(), captureIo()];

    for (const c of runs) await main(['policy', 'export', '--format', 'chrome-linux', '--data-dir', dir], c.io);

    expect(runs[0]!.text()).toBe(runs[1]!.text());
  });

  it('policy export refuses an unknown format, listing the formats (exit 2)', async () => {
    const c = captureIo();

    expect(await main(['policy', 'export', '--format', 'windows', '--data-dir', dir], c.io)).toBe(2);

    expect(c.errors()).toContain('formats: chrome-linux, windows-reg, macos-mobileconfig, google-admin');
  });

  it('token create prints a token and stores only its hash', async () => {
    const c = captureIo();

    expect(await main(['token', 'create', '--label', 'siem', '--data-dir', dir], c.io)).toBe(0);

    const token = c.text().trim();
    expect(token).toMatch(/^sgt_[A-Za-z0-9_-]{43}$/);
    const store = await openStore({ dataDir: dir });
    const rows = await store.db.selectFrom('api_tokens').selectAll().execute();
    await store.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.label).toBe('siem');
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('serve refuses an invalid policy file, naming the field', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ detectors: { excessive_downloads: { maxFiles: -1 } } }));
    const c = captureIo();

    expect(await main(['serve', '--port', '0', '--data-dir', dir, '--policy', file], c.io)).toBe(1);

    expect(c.errors()).toContain('detectors.excessive_downloads.maxFiles');
  });

  it('serve listens on the real port, prints where everything is, and stops on a signal', async () => {
    const file = join(dir, 'policy.json');
    await writeFile(file, JSON.stringify({ mode: 'monitor' }));
    const c = captureIo();

    const exit = main(
      ['serve', '--port', '0', '--data-dir', dir, '--policy', file, '--tor-exit-list', 'exits.txt'],
      c.io,
    );
    const deadline = Date.now() + 10_000;
    while (!c.text().includes('Managed policy') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

    const url = /^Session Guard listening on (http:\/\/127\.0\.0\.1:(\d+))$/m.exec(c.text());
    expect(url).not.toBeNull();
    expect(Number(url![2])).toBeGreaterThan(0);
    expect(c.text()).toContain(`Dashboard: ${url![1]}/`);
    expect(c.text()).toMatch(/^Admin password \(shown once\): \S{20,}$/m);
    expect(c.text()).toContain('.output/chrome-mv3/');
    expect(c.text()).toContain(`npx session-guard policy export --format chrome-linux --backend-url ${url![1]}`);
    expect(c.text()).toContain('Org policy: version 1 (monitor mode)');
    expect(c.text()).toMatch(/^Tor exit list: missing: exits\.txt failed \(ENOENT.*\); the tor detector cannot fire/m);
    expect((await fetch(`${url![1]}/readyz`)).status).toBe(200);
    c.stop();
    expect(await exit).toBe(0);
    const store = await openStore({ dataDir: dir });
    expect(await getValue(store.db, TOR_EXIT_LIST_KEY)).toBe('exits.txt');
    await store.close();
  });

  it('serve shows the admin password only on the first start', async () => {
    for (const expected of [/Admin password \(shown once\)/, /Admin password: set on an earlier start/]) {
      const c = captureIo();
      const exit = main(['serve', '--port', '0', '--data-dir', dir], c.io);
      while (!c.text().includes('Admin password')) await new Promise((r) => setTimeout(r, 20));
      expect(c.text()).toMatch(expected);
      c.stop();
      await exit;
    }
  });

  it('the real command starts, prints its address, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['bin/session-guard.mjs', 'serve', '--port', '0', '--data-dir', dir], {
      env: {
        ...process.env,
        SESSION_GUARD_ADMIN_PASSWORD: 'from-env-password',
        SESSION_GUARD_LOG_LEVEL: 'warn',
        SESSION_GUARD_TOR_EXIT_LIST: 'none',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const deadline = Date.now() + 20_000;
    while (!out.includes('Managed policy') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));

    const url = /Session Guard listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
    expect(url).toBeDefined();
    expect(out).toContain('Admin password: from SESSION_GUARD_ADMIN_PASSWORD');
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it.skipIf(!DIALECTS.includes('postgres'))(
    'two replicas on one PostgreSQL share the secrets and the admin password',
    async () => {
      const database = await createPostgresDatabase();
      // As deployed: one secret key for every replica and command (it seals the verdict key).
      const env = { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') };
      const replicas = [captureIo(env), captureIo(env)];
      const exits = replicas.map((c) =>
        main(['serve', '--port', '0', '--data-dir', dir, '--database-url', database.url], c.io),
      );
      const deadline = Date.now() + 20_000;
      while (!replicas.every((c) => c.text().includes('Managed policy')) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 20));

      const urls = replicas.map((c) => /listening on (\S+)/.exec(c.text())![1]);
      const generated = replicas.filter((c) => /Admin password \(shown once\)/.test(c.text()));
      const readiness = await Promise.all(urls.map(async (u) => (await fetch(`${u}/readyz`)).json()));
      const exported = captureIo(env);
      await main(['policy', 'export', '--format', 'chrome-linux', '--database-url', database.url], exported.io);
      const id = loadExtensionKey({}).extensionId;
      const settings = JSON.parse(exported.text())['3rdparty'].extensions[id];

      expect(generated).toHaveLength(1);
      expect(replicas.map((c) => c.text())).toEqual([
        expect.stringContaining('Database: PostgreSQL at postgres://sg_test:***@'),
        expect.anything(),
      ]);
      expect(readiness).toEqual([
        { status: 'ready', slackIdentity: 'not_configured' },
        { status: 'ready', slackIdentity: 'not_configured' },
      ]);
      const store = await openStore({ dataDir: dir, databaseUrl: database.url, env });
      expect(settings.enrollmentToken).toBe(store.secrets.enrollmentToken);
      await store.close();
      replicas.forEach((c) => c.stop());
      expect(await Promise.all(exits)).toEqual([0, 0]);
      await database.drop();
    },
  );
});
