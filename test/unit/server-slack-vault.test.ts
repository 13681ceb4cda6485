import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GENERATED_KEY_FILE, lazySecretKey, loadSecretKey, SecretKeyError } from '../../src/server/slack/secret-key';
import { seal, unseal, VaultError } from '../../src/server/slack/token-vault';

const TOKEN = 'xoxp-1111-2222-3333-secretsecretsecret';
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-slack-key-'));
  dirs.push(dir);
  return dir;
};
const envKey = (bytes = randomBytes(32)) => ({ SESSION_GUARD_SECRET_KEY: bytes.toString('base64') });

afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('token vault', () => {
  it('seals the token so that the stored text does not contain it, and opens it again', () => {
    const key = loadSecretKey({ env: envKey(), dataDir: tempDir() });

    const sealed = seal(key, TOKEN);

    expect(sealed.sealed).not.toContain(TOKEN);
    expect(sealed.sealed).not.toContain('secretsecret');
    expect(sealed.sealed.startsWith('v1.')).toBe(true);
    expect(unseal(key, sealed)).toBe(TOKEN);
  });

  it('uses a fresh IV each time: sealing twice gives two different texts', () => {
    const key = loadSecretKey({ env: envKey(), dataDir: tempDir() });

    expect(seal(key, TOKEN).sealed).not.toBe(seal(key, TOKEN).sealed);
  });

  it('says which key is missing when another key is given', () => {
    const sealed = seal(loadSecretKey({ env: envKey(), dataDir: tempDir() }), TOKEN);
    const other = loadSecretKey({ env: envKey(), dataDir: tempDir() });

    expect(() => unseal(other, sealed)).toThrow(VaultError);
    expect(() => unseal(other, sealed)).toThrow(/sealed with secret key [0-9a-f]{16}/);
  });

  it('refuses a sealed text that was tampered with', () => {
    const key = loadSecretKey({ env: envKey(), dataDir: tempDir() });
    const sealed = seal(key, TOKEN);
    const parts = sealed.sealed.split('.');
    const body = Buffer.from(parts[3]!, 'base64url');
    body[0]! ^= 1;

    const tampered = { ...sealed, sealed: [...parts.slice(0, 3), body.toString('base64url')].join('.') };

    expect(() => unseal(key, tampered)).toThrow(/integrity/);
  });
});

describe('secret key', () => {
  it('takes a base64 or hex key from SESSION_GUARD_SECRET_KEY, and the same bytes give the same id', () => {
    const bytes = randomBytes(32);

    const fromBase64 = loadSecretKey({
      env: { SESSION_GUARD_SECRET_KEY: bytes.toString('base64') },
      dataDir: tempDir(),
    });
    const fromHex = loadSecretKey({ env: { SESSION_GUARD_SECRET_KEY: bytes.toString('hex') }, dataDir: tempDir() });

    expect(fromBase64.source).toBe('env');
    expect(fromBase64.id).toBe(fromHex.id);
  });

  it('refuses a key that is not 32 bytes, and says how to make one', () => {
    expect(() => loadSecretKey({ env: { SESSION_GUARD_SECRET_KEY: 'too-short' }, dataDir: tempDir() })).toThrow(
      SecretKeyError,
    );
    expect(() =>
      loadSecretKey({ env: { SESSION_GUARD_SECRET_KEY: randomBytes(16).toString('base64') }, dataDir: tempDir() }),
    ).toThrow(/openssl rand -base64 32/);
  });

  it('reads a key file and warns when others can read it', () => {
    const file = join(tempDir(), 'key');
    writeFileSync(file, randomBytes(32).toString('base64'), { mode: 0o644 });

    const key = loadSecretKey({ env: {}, keyFile: file, dataDir: tempDir() });

    expect(key.source).toBe('file');
    expect(key.warning).toMatch(/chmod 600/);
  });

  it('generates a key into the data dir once, readable by its owner only, and reuses it', () => {
    const dataDir = tempDir();

    const first = loadSecretKey({ env: {}, dataDir });
    const second = loadSecretKey({ env: {}, dataDir });

    expect(first.source).toBe('generated');
    expect(statSync(join(dataDir, GENERATED_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(second.id).toBe(first.id);
    expect(first.warning).toBeNull();
  });

  it('writes no key file until the key is first needed', () => {
    const dataDir = tempDir();
    const key = lazySecretKey({ env: {}, dataDir });

    expect(() => readFileSync(join(dataDir, GENERATED_KEY_FILE))).toThrow();
    key();
    expect(readFileSync(join(dataDir, GENERATED_KEY_FILE), 'utf8').trim()).toHaveLength(44);
  });
});
