/**
 * What `npm start` gives with nothing configured (issue #11): `serve` publishes the built
 * extension when the store holds none (so `policy export` is all a force-install needs),
 * never replaces one an admin published, and says loudly when the public development
 * key signs for a backend outside loopback; the built server (dist/server) finds its own
 * files from any working directory.
 */
import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { resolveServeConfig } from '../../src/server/config';
import { readCrx3 } from '../../src/server/deploy/crx3';
import { loadExtensionKey } from '../../src/server/extension-key';
import { startServer, type RunningServer } from '../../src/server/serve';
import { createPostgresDatabase, DIALECTS, stopPostgres } from './server-support/test-store';

afterAll(stopPostgres);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DEV_ID = loadExtensionKey({}).extensionId;
const QUIET = { SESSION_GUARD_LOG_LEVEL: 'silent', SESSION_GUARD_TOR_EXIT_LIST: 'none' };

/** A built extension as WXT leaves it: a manifest and the files it names. */
function builtExtension(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const manifest = {
    manifest_version: 3,
    name: 'Session Guard',
    version,
    background: { service_worker: 'background.js' },
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'background.js'), 'console.log("session guard");\n');
  return dir;
}

function captureIo(env: NodeJS.ProcessEnv = QUIET) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void err.push(text),
    env,
    waitForShutdown: () => new Promise(() => undefined),
  };
  return { io, text: () => out.join('\n'), errors: () => err.join('\n') };
}

describe('serve publishes the built extension when none is published', () => {
  let dir: string;
  let running: RunningServer | undefined;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-ext-defaults-'));
  });
  let cleanup: () => Promise<void> | undefined = () => undefined;
  afterEach(async () => {
    await running?.close();
    running = undefined;
    await cleanup();
    cleanup = () => undefined;
    await rm(dir, { recursive: true, force: true });
  });

  async function serve(
    extensionDir: string,
    databaseUrl?: string,
  ): Promise<{ server: RunningServer; banner: string[]; errors: string[] }> {
    const banner: string[] = [];
    const errors: string[] = [];
    const flags = { port: '0', 'data-dir': join(dir, 'data'), 'extension-dir': extensionDir };
    if (databaseUrl) Object.assign(flags, { 'database-url': databaseUrl });
    running = await startServer(resolveServeConfig(flags, QUIET), {
      out: (line) => void banner.push(line),
      err: (line) => void errors.push(line),
      env: { SESSION_GUARD_ADMIN_PASSWORD: 'extension-defaults-password' },
    });
    return { server: running, banner, errors };
  }

  it.each(DIALECTS)(
    'advertises the build in updates.xml and serves it as a CRX signed for the extension ID (%s)',
    async (dialect) => {
      const build = builtExtension(join(dir, 'build'), '1.2.3');
      const database = dialect === 'postgres' ? await createPostgresDatabase() : undefined;
      cleanup = () => database?.drop();

      const { server, banner, errors } = await serve(build, database?.url);

      expect(banner).toContain(
        `Extension package: published version 1.2.3 (ID ${DEV_ID}) from the build; browsers install it from /extension/updates.xml`,
      );
      expect(errors).toEqual([]); // the development key on loopback is fine
      const manifest = await (await fetch(`${server.url}/extension/updates.xml`)).text();
      expect(manifest).toContain(`<app appid="${DEV_ID}">`);
      expect(manifest).toContain(`codebase="${server.url}/extension/session-guard.crx"`);
      expect(manifest).toContain('version="1.2.3"');
      const crx = Buffer.from(await (await fetch(`${server.url}/extension/session-guard.crx`)).arrayBuffer());
      const parsed = readCrx3(crx); // throws unless Chromium's checks pass: magic, header, RSA proof
      expect(parsed.extensionId).toBe(DEV_ID);
      expect(parsed.zip.includes(Buffer.from('background.js'))).toBe(true);
    },
  );

  it('never replaces a package an admin published', async () => {
    const data = join(dir, 'data');
    const newer = builtExtension(join(dir, 'newer'), '2.0.0');
    const packed = captureIo();
    expect(await main(['extension', 'pack', '--extension-dir', newer, '--data-dir', data], packed.io)).toBe(0);

    const { server, banner } = await serve(builtExtension(join(dir, 'build'), '1.2.3'));

    expect(banner.join('\n')).toMatch(
      new RegExp(`^Extension package: version 2\\.0\\.0 \\(ID ${DEV_ID}\\) published `, 'm'),
    );
    expect(await (await fetch(`${server.url}/extension/updates.xml`)).text()).toContain('version="2.0.0"');
  });

  it('says how to get a package when there is no build', async () => {
    const empty = join(dir, 'nothing-built');
    mkdirSync(empty);

    const { server, banner } = await serve(empty);

    expect(banner).toContain(
      `Extension package: none published and no build in ${empty}; run \`npm run build\` and start again, or \`npx session-guard extension pack\``,
    );
    expect((await fetch(`${server.url}/extension/updates.xml`)).status).toBe(404);
  });
});

describe('the development key outside loopback', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-dev-key-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it.each([
    ['https://guard.example.com', true],
    ['http://10.0.0.5:8787', true],
    ['http://127.0.0.1:8787', false],
    ['http://localhost:8787', false],
  ])('extension pack --backend-url %s warns: %s', async (backendUrl, warns) => {
    const c = captureIo();
    const build = builtExtension(join(dir, 'build'), '1.0.0');

    const code = await main(
      ['extension', 'pack', '--extension-dir', build, '--data-dir', join(dir, 'data'), '--backend-url', backendUrl],
      c.io,
    );

    expect(code).toBe(0);
    if (warns) expect(c.errors()).toContain('WARNING: the DEVELOPMENT extension key (keys/extension-dev.pem) signs');
    else expect(c.errors()).not.toContain('DEVELOPMENT');
  });

  it('does not warn for an org key, and policy export warns for the development key', async () => {
    const own = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    const orgKey = join(dir, 'org.pem');
    writeFileSync(orgKey, own);
    const withOrgKey = captureIo({ ...QUIET, SESSION_GUARD_EXTENSION_KEY: orgKey });
    const exported = captureIo();
    const build = builtExtension(join(dir, 'build'), '1.0.0');
    const store = ['--data-dir', join(dir, 'data')];

    await main(
      ['extension', 'pack', '--extension-dir', build, ...store, '--backend-url', 'https://g.example.com'],
      withOrgKey.io,
    );
    await main(
      ['policy', 'export', '--format', 'chrome-linux', '--backend-url', 'https://g.example.com', ...store],
      exported.io,
    );

    expect(withOrgKey.errors()).not.toContain('DEVELOPMENT');
    expect(exported.errors()).toContain('WARNING: the DEVELOPMENT extension key');
  });

  it('the built server, started from another directory on 0.0.0.0, warns on stderr and in its banner, and serves its files', async () => {
    const build = builtExtension(join(dir, 'build'), '1.0.0');
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin', 'session-guard.mjs'),
        'serve',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--data-dir',
        'data',
        '--extension-dir',
        build,
      ],
      {
        cwd: dir,
        env: { ...process.env, ...QUIET, SESSION_GUARD_ADMIN_PASSWORD: 'built-server-password' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 20_000;
      while (!out.includes('!!! WARNING') && child.exitCode === null && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));

      const port = /listening on http:\/\/0\.0\.0\.0:(\d+)/.exec(out)?.[1];
      expect(port, out + err).toBeDefined();
      expect(out).toMatch(
        /^!!! WARNING: the DEVELOPMENT extension key \(keys\/extension-dev\.pem\) signs the extension for 0\.0\.0\.0, which is not loopback/m,
      );
      expect(err).toContain('session-guard serve: WARNING: the DEVELOPMENT extension key');
      expect(out).toContain(`Extension package: published version 1.0.0 (ID ${DEV_ID})`); // the key file found from dist/
      const script = await fetch(`http://127.0.0.1:${port}/assets/format.js`);
      expect(script.status).toBe(200); // the dashboard's client files found next to the bundle
      expect(await script.text()).toContain('export');
    } finally {
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});
