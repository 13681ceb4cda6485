/**
 * Self-hosted distribution (issue #6), over each store dialect: `session-guard extension
 * pack` publishes a signed CRX3 to the store, and every backend on that store serves it
 * with a gupdate manifest advertising its version. That real Chromium installs and
 * updates from these endpoints is test/e2e/deploy-*.spec.ts.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { buildApp } from '../../src/server/app';
import { readCrx3 } from '../../src/server/deploy/crx3';
import { loadExtensionKey } from '../../src/server/extension-key';
import { createTestStore, DIALECTS, stopPostgres, type TestStore } from './server-support/test-store';

afterAll(stopPostgres);

function captureIo(env: NodeJS.ProcessEnv = {}) {
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

/** A minimal built extension at `version`, in a fresh folder under `root`. */
function extensionBuild(root: string, version: string): string {
  const dir = join(root, `build-${version}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ manifest_version: 3, name: 'Session Guard', version }));
  writeFileSync(join(dir, 'background.js'), `// ${version}\n`);
  return dir;
}

/** The attributes of the manifest's <app> and <updatecheck> elements. */
function offer(xml: string) {
  const attributes = (tag: string) =>
    Object.fromEntries(
      [...(xml.match(new RegExp(`<${tag}\\s([^>]*?)/?>`))?.[1] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((m) => [
        m[1],
        m[2],
      ]),
    );
  return { app: attributes('app'), updatecheck: attributes('updatecheck') };
}

const devId = loadExtensionKey({}).extensionId;

describe.each(DIALECTS)('self-hosted distribution (%s)', (dialect) => {
  let test: TestStore;
  let app: FastifyInstance;
  let root: string;
  // The data dir too on PostgreSQL: it holds the secret key that seals the verdict key (issue #10).
  const storeFlags = () => [
    ...(test.databaseUrl ? ['--database-url', test.databaseUrl] : []),
    '--data-dir',
    test.dataDir,
  ];
  const pack = async (version: string, ...extra: string[]) => {
    const c = captureIo();
    const code = await main(
      ['extension', 'pack', '--extension-dir', extensionBuild(root, version), ...storeFlags(), ...extra],
      c.io,
    );
    return { code, ...c };
  };

  beforeEach(async () => {
    test = await createTestStore(dialect);
    app = await buildApp({ db: test.store.db, dialect: test.store.dialect, secrets: test.store.secrets });
    root = mkdtempSync(join(tmpdir(), 'sg-deploy-'));
  });
  afterEach(async () => {
    await app.close();
    await test.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('says what to do while nothing is published', async () => {
    for (const url of ['/extension/updates.xml', '/extension/session-guard.crx']) {
      const res = await app.inject({ url });

      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({
        error: 'extension_not_published',
        message: expect.stringContaining('extension pack'),
      });
    }
  });

  it('extension pack publishes the CRX and prints the extension ID; the backend offers and serves that version', async () => {
    const packed = await pack('1.0.0');

    expect(packed.code).toBe(0);
    expect(packed.text()).toMatch(new RegExp(`^Extension ID: ${devId}$`, 'm'));
    const manifest = await app.inject({
      url: '/extension/updates.xml?x=id%3D' + devId,
      headers: { host: 'guard.example.com:8443' },
    });
    expect(manifest.statusCode).toBe(200);
    expect(manifest.headers['content-type']).toContain('xml');
    expect(manifest.body).toContain('<gupdate xmlns="http://www.google.com/update2/response" protocol="2.0">');
    const { app: appAttrs, updatecheck } = offer(manifest.body);
    expect(appAttrs).toEqual({ appid: devId });
    expect(updatecheck).toMatchObject({
      version: '1.0.0',
      codebase: 'http://guard.example.com:8443/extension/session-guard.crx',
    });
    const crx = await app.inject({ url: '/extension/session-guard.crx' });
    expect(crx.statusCode).toBe(200);
    expect(crx.headers['content-type']).toBe('application/x-chrome-extension');
    expect(updatecheck.hash_sha256).toBe(createHash('sha256').update(crx.rawPayload).digest('hex'));
    expect(readCrx3(crx.rawPayload).extensionId).toBe(devId);
  });

  it('a newer version replaces the offer; an older one is refused; superseded packages are pruned', async () => {
    for (const version of ['1.0.0', '1.0.1', '1.0.2']) expect((await pack(version)).code).toBe(0);
    const older = await pack('1.0.1');

    expect(older.code).toBe(1);
    expect(older.errors()).toContain('older than the published 1.0.2');
    expect(offer((await app.inject({ url: '/extension/updates.xml' })).body).updatecheck.version).toBe('1.0.2');
    const kept = await test.store.db.selectFrom('kv').select('key').where('key', 'like', 'extension_crx:%').execute();
    expect(kept).toHaveLength(2); // the current one and the one before it
  });
});

describe('extension pack and policy export options', () => {
  let test: TestStore;
  let root: string;
  beforeEach(async () => {
    test = await createTestStore('sqlite');
    root = mkdtempSync(join(tmpdir(), 'sg-deploy-'));
  });
  afterEach(async () => {
    await test.cleanup();
    rmSync(root, { recursive: true, force: true });
  });
  const run = async (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = captureIo(env);
    return { code: await main([...argv, '--data-dir', test.dataDir], c.io), ...c };
  };

  it('--key signs with the org key, prints its ID, and says serve and policy export need that key too', async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const keyFile = join(root, 'org.pem');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const orgId = loadExtensionKey({ SESSION_GUARD_EXTENSION_KEY: keyFile }).extensionId;

    const packed = await run([
      'extension',
      'pack',
      '--extension-dir',
      extensionBuild(root, '1.0.0'),
      '--key',
      keyFile,
      '--out',
      join(root, 'out'),
    ]);
    const exported = await run(['policy', 'export', '--format', 'chrome-linux']);
    const withKey = await run(['policy', 'export', '--format', 'chrome-linux'], {
      SESSION_GUARD_EXTENSION_KEY: keyFile,
    });

    expect(packed.code).toBe(0);
    expect(packed.text()).toContain(`Extension ID: ${orgId}`);
    expect(packed.errors()).toContain(`set it to ${keyFile}`);
    expect(readCrx3(readFileSync(join(root, 'out', 'session-guard.crx'))).extensionId).toBe(orgId);
    expect(exported.errors()).toContain(`the published package is extension ${orgId}`);
    expect(Object.keys(JSON.parse(withKey.text()).ExtensionSettings)).toEqual([orgId]);
    expect(withKey.errors()).toBe('');
  });

  it('policy export --out writes every file of a format, .reg files as regedit writes them', async () => {
    const out = join(root, 'policies');
    const written: string[] = [];

    for (const format of ['chrome-linux', 'windows-reg', 'macos-mobileconfig', 'google-admin']) {
      const result = await run([
        'policy',
        'export',
        '--format',
        format,
        '--out',
        out,
        '--backend-url',
        'https://guard.example.com',
      ]);
      expect(result.code).toBe(0);
      written.push(
        ...result
          .text()
          .split('\n')
          .map((path) => path.slice(out.length + 1)),
      );
    }

    expect(written).toEqual([
      'session-guard.json',
      'session-guard-chrome.reg',
      'session-guard-edge.reg',
      'session-guard-chrome.mobileconfig',
      'session-guard-edge.mobileconfig',
      'session-guard-google-admin.json',
    ]);
    expect([...readFileSync(join(out, 'session-guard-edge.reg')).subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(statSync(join(out, 'session-guard.json')).mode & 0o077).toBe(0); // it holds the enrollment token
  });

  it('policy export --browser edge prints Edge’s file; --settings adds tuning keys', async () => {
    const settings = join(root, 'settings.json');
    writeFileSync(settings, JSON.stringify({ pollIntervalSeconds: 120 }));

    const edge = await run([
      'policy',
      'export',
      '--format',
      'windows-reg',
      '--browser',
      'edge',
      '--settings',
      settings,
    ]);

    expect(edge.code).toBe(0);
    expect(edge.text()).toContain('[HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge]');
    expect(edge.text()).toContain('"pollIntervalSeconds"=dword:00000078');
  });

  it.each([
    [['--format', 'google-admin', '--browser', 'edge'], 'has no edge form'],
    [['--format', 'chrome-linux', '--browser', 'firefox'], '--browser must be one of chrome, edge'],
    [['--format', 'chrome-linux', '--update-url', 'ftp://x'], '--update-url must be an http(s) URL'],
  ])('policy export %j exits 2: %s', async (args, message) => {
    const result = await run(['policy', 'export', ...args]);

    expect(result.code).toBe(2);
    expect(result.errors()).toContain(message);
  });

  it('policy export names a bad settings key (exit 2)', async () => {
    const settings = join(root, 'settings.json');
    writeFileSync(settings, JSON.stringify({ pollIntervalSeconds: 1 }));

    const result = await run(['policy', 'export', '--format', 'chrome-linux', '--settings', settings]);

    expect(result.code).toBe(2);
    expect(result.errors()).toContain('pollIntervalSeconds');
  });

  it('behind a TLS proxy (trustProxy), the manifest’s download URL is the one browsers reached', async () => {
    await run(['extension', 'pack', '--extension-dir', extensionBuild(root, '2.0.0')]);
    const app = await buildApp({ db: test.store.db, secrets: test.store.secrets, trustProxy: 1 });

    const res = await app.inject({
      url: '/extension/updates.xml',
      headers: { 'x-forwarded-proto': 'https', 'x-forwarded-host': 'guard.example.com' },
    });

    expect(offer(res.body).updatecheck.codebase).toBe('https://guard.example.com/extension/session-guard.crx');
    await app.close();
  });
});
