/**
 * `session-guard verdict-key rotate|list` and what `policy export` prints after a
 * rotation (issue #10): the new key as `verdictPublicKey`, and `verdictPublicKeys` with
 * the new and the previous key, so browsers accept both while the policy rolls out. And
 * the refusals: an http backend URL off loopback, a replica with another secret key.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { loadExtensionKey } from '../../src/server/extension-key';
import { ManagedPolicy } from '../../src/shared/policy/managed-policy';

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

const ID = loadExtensionKey({}).extensionId;

describe('session-guard verdict-key', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-cli-keys-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  async function exported(backendUrl = 'https://guard.example.com'): Promise<ManagedPolicy> {
    const c = captureIo();
    const args = ['policy', 'export', '--format', 'chrome-linux', '--backend-url', backendUrl, '--data-dir', dir];
    expect(await main(args, c.io)).toBe(0);
    return ManagedPolicy.parse(JSON.parse(c.text())['3rdparty'].extensions[ID]);
  }

  async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
    const c = captureIo(env);
    const code = await main(args, c.io);
    return { code, out: c.text(), err: c.errors() };
  }

  it('rotate makes a key that policy export lists beside the old one, the new one as verdictPublicKey', async () => {
    const before = await exported();

    const rotate = await run(['verdict-key', 'rotate', '--data-dir', dir]);
    const after = await exported();

    expect(rotate.code).toBe(0);
    expect(rotate.out).toMatch(/New verdict key [A-Za-z0-9_-]{43} \(generation 2\) signs verdicts from now/);
    expect(before.verdictPublicKeys).toBeUndefined();
    expect(after.verdictPublicKey).not.toBe(before.verdictPublicKey);
    expect(after.verdictPublicKeys).toEqual([after.verdictPublicKey, before.verdictPublicKey]);
  });

  it('rotate --activate-in publishes the new key first and keeps signing with the old one', async () => {
    const before = await exported();

    const rotate = await run(['verdict-key', 'rotate', '--activate-in', '24h', '--data-dir', dir]);
    const after = await exported();
    const list = await run(['verdict-key', 'list', '--data-dir', dir]);

    expect(rotate.code).toBe(0);
    expect(after.verdictPublicKey).toBe(before.verdictPublicKey);
    expect(after.verdictPublicKeys).toHaveLength(2);
    expect(after.verdictPublicKeys![1]).toBe(before.verdictPublicKey);
    expect(list.out).toMatch(/generation 2 .* published, not yet signing {2}\(in policy\)/);
    expect(list.out).toMatch(/generation 1 .* signing {2}\(in policy\)/);
  });

  it.each([['sometime'], ['1.5h'], ['3w']])(
    'rotate --activate-in %s is a usage error that stores nothing',
    async (d) => {
      const result = await run(['verdict-key', 'rotate', '--activate-in', d, '--data-dir', dir]);
      const list = await run(['verdict-key', 'list', '--json', '--data-dir', dir]);

      expect(result.code).toBe(2);
      expect(result.err).toContain('--activate-in must be a duration');
      expect(JSON.parse(list.out)).toHaveLength(1);
    },
  );

  it.each(['http://guard.example.com', 'http://10.1.2.3:8787'])(
    'policy export refuses --backend-url %s: browsers would refuse it',
    async (url) => {
      const result = await run([
        'policy',
        'export',
        '--format',
        'chrome-linux',
        '--backend-url',
        url,
        '--data-dir',
        dir,
      ]);

      expect(result.code).toBe(2);
      expect(result.err).toContain('--backend-url: backendUrl must use https');
      expect(result.err).toContain('loopback');
      expect(result.out).toBe('');
    },
  );

  it('policy export accepts plain http on loopback', async () => {
    expect((await exported('http://127.0.0.1:8787')).backendUrl).toBe('http://127.0.0.1:8787');
    expect((await exported('http://localhost:8787')).backendUrl).toBe('http://localhost:8787');
  });

  it('serve refuses to start with a secret key other than the one that sealed the verdict key', async () => {
    expect((await run(['verdict-key', 'list', '--data-dir', dir])).code).toBe(0);

    const wrong = { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') };
    const result = await run(['serve', '--port', '0', '--data-dir', dir], wrong);

    expect(result.code).toBe(1);
    expect(result.err).toMatch(/session-guard serve: the verdict signing key .* was sealed with secret key/);
    expect(result.err).toContain('SESSION_GUARD_SECRET_KEY');
  });
});
