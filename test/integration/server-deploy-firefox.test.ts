/**
 * The Firefox package over each store dialect (issue 15): `extension pack --browser
 * firefox` publishes the XPI to the store, every backend on it serves the same bytes at
 * /extension/session-guard.xpi, and `policy export --format firefox` points `install_url`
 * there. That real Firefox installs it is test/e2e-firefox/.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { buildApp } from '../../src/server/app';
import { packXpi, readXpi } from '../../src/server/deploy/xpi-package';
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

function firefoxBuild(root: string, version: string, geckoId = 'session-guard@session-guard.org'): string {
  const dir = join(root, `firefox-${version}`);
  mkdirSync(dir, { recursive: true });
  const manifest = { manifest_version: 2, version, browser_specific_settings: { gecko: { id: geckoId } } };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  writeFileSync(join(dir, 'background.js'), `// ${version}\n`);
  return dir;
}

describe.each(DIALECTS)('the Firefox package (%s)', (dialect) => {
  let test: TestStore;
  let app: FastifyInstance;
  let root: string;
  const storeFlags = () => [
    ...(test.databaseUrl ? ['--database-url', test.databaseUrl] : []),
    '--data-dir',
    test.dataDir,
  ];
  const cli = async (args: string[], env: NodeJS.ProcessEnv = {}) => {
    const c = captureIo(env);
    const code = await main([...args, ...storeFlags()], c.io);
    return { code, ...c };
  };
  const pack = (version: string, ...extra: string[]) =>
    cli(['extension', 'pack', '--browser', 'firefox', '--extension-dir', firefoxBuild(root, version), ...extra]);

  beforeEach(async () => {
    test = await createTestStore(dialect);
    app = await buildApp({ db: test.store.db, dialect: test.store.dialect, secrets: test.store.secrets });
    root = mkdtempSync(join(tmpdir(), 'sg-xpi-'));
  });
  afterEach(async () => {
    await app.close();
    await test.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('says what to do while nothing is published', async () => {
    const res = await app.inject({ url: '/extension/session-guard.xpi' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'extension_not_published', message: expect.stringContaining('firefox') });
  });

  it('extension pack --browser firefox publishes the XPI the backend serves, and leaves the CRX alone', async () => {
    const packed = await pack('2.0.0');
    expect(packed.code).toBe(0);
    expect(packed.text()).toMatch(/^Gecko ID: session-guard@session-guard\.org$/m);
    expect(packed.text()).toContain('Unsigned');

    const res = await app.inject({ url: '/extension/session-guard.xpi' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-xpinstall');
    expect(res.headers.etag).toBe(`"${createHash('sha256').update(res.rawPayload).digest('hex')}"`);
    expect(readXpi(res.rawPayload, 'served')).toMatchObject({
      geckoId: 'session-guard@session-guard.org',
      version: '2.0.0',
    });
    expect((await app.inject({ url: '/extension/session-guard.crx' })).statusCode).toBe(404);
  });

  it('an older version is refused; a signed XPI (--xpi) is served byte for byte', async () => {
    expect((await pack('2.0.1')).code).toBe(0);
    const older = await pack('2.0.0');
    expect(older.code).toBe(1);
    expect(older.errors()).toContain('older than the published 2.0.1');

    const signed = packXpi(firefoxBuild(root, '2.0.2')).xpi;
    const file = join(root, 'signed.xpi');
    writeFileSync(file, signed);
    expect((await cli(['extension', 'pack', '--browser', 'firefox', '--xpi', file])).code).toBe(0);
    expect((await app.inject({ url: '/extension/session-guard.xpi' })).rawPayload.equals(signed)).toBe(true);
    const kept = await test.store.db.selectFrom('kv').select('key').where('key', 'like', 'extension_xpi:%').execute();
    expect(kept).toHaveLength(1);
  });
});

describe('policy export --format firefox', () => {
  let test: TestStore;
  beforeEach(async () => {
    test = await createTestStore('sqlite');
  });
  afterEach(() => test.cleanup());

  it("prints the policies.json for the org's gecko id, installing from this backend", async () => {
    const c = captureIo({ SESSION_GUARD_GECKO_ID: 'guard@corp.example' });
    const args = ['policy', 'export', '--format', 'firefox', '--backend-url', 'https://guard.example.com'];
    expect(await main([...args, '--data-dir', test.dataDir], c.io)).toBe(0);
    const { policies } = JSON.parse(c.text());
    expect(policies.ExtensionSettings['guard@corp.example']).toEqual({
      installation_mode: 'force_installed',
      install_url: 'https://guard.example.com/extension/session-guard.xpi',
    });
    expect(policies['3rdparty'].Extensions['guard@corp.example']).toMatchObject({
      backendUrl: 'https://guard.example.com',
      enrollmentToken: expect.any(String),
      verdictPublicKey: expect.any(String),
    });
  });

  it('warns when the package being published names another gecko id than the policy will', async () => {
    const c = captureIo({ SESSION_GUARD_GECKO_ID: 'guard@corp.example' });
    const dir = firefoxBuild(mkdtempSync(join(tmpdir(), 'sg-xpi-')), '1.0.0');
    const args = ['extension', 'pack', '--browser', 'firefox', '--extension-dir', dir, '--data-dir', test.dataDir];
    expect(await main(args, c.io)).toBe(0);
    expect(c.errors()).toContain('set SESSION_GUARD_GECKO_ID');
  });
});
