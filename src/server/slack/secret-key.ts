/**
 * The key that seals the Slack token at rest (issue #7), 32 bytes for AES-256-GCM, from
 * the first of: SESSION_GUARD_SECRET_KEY (base64 or hex), `--secret-key-file FILE`
 * (SESSION_GUARD_SECRET_KEY_FILE), or a file generated into the data dir (0600) on first
 * use. The generated file is the convenient default and the weakest: it sits beside the
 * SQLite file, so a copy of the data dir holds both; docs/slack-connection.md says when
 * to use the environment or a mounted secret instead (and that replicas must share it).
 */
import { createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateDataDir } from '../db/private-files';

export const GENERATED_KEY_FILE = 'slack-secret.key';

export interface SecretKey {
  bytes: Buffer;
  /** A public name for the key (HMAC of a constant), stored beside what it sealed. */
  id: string;
  /** Where it came from, for status and the startup banner (never the key). */
  source: 'env' | 'file' | 'generated';
  path: string | null;
  /** Said once at start, e.g. a key file others can read. */
  warning: string | null;
}

export interface SecretKeyOptions {
  env: NodeJS.ProcessEnv;
  keyFile?: string;
  dataDir: string;
}

export class SecretKeyError extends Error {}

export function parseKeyText(text: string, where: string): Buffer {
  const value = text.trim();
  const bytes = /^[0-9a-fA-F]{64}$/.test(value)
    ? Buffer.from(value, 'hex')
    : Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length !== 32 || !/^[A-Za-z0-9+/=_-]+$/.test(value)) {
    throw new SecretKeyError(
      `${where} must hold 32 bytes as base64 (44 characters) or hex (64 characters); make one with: openssl rand -base64 32`,
    );
  }
  return bytes;
}

export function keyId(bytes: Buffer): string {
  return createHmac('sha256', bytes).update('session-guard secret key id').digest('hex').slice(0, 16);
}

function make(
  bytes: Buffer,
  source: SecretKey['source'],
  path: string | null,
  warning: string | null = null,
): SecretKey {
  return { bytes, id: keyId(bytes), source, path, warning };
}

function looseWarning(path: string): string | null {
  try {
    const mode = statSync(path).mode & 0o777;
    return mode & 0o077 ? `${path} can be read by others (mode ${mode.toString(8)}); chmod 600 it` : null;
  } catch {
    return null;
  }
}

/** Reads (or, for the data-dir default, creates) the key. Throws SecretKeyError when one given is unusable. */
export function loadSecretKey(options: SecretKeyOptions): SecretKey {
  const fromEnv = options.env.SESSION_GUARD_SECRET_KEY;
  if (fromEnv !== undefined && fromEnv !== '')
    return make(parseKeyText(fromEnv, 'SESSION_GUARD_SECRET_KEY'), 'env', null);
  const file = options.keyFile ?? (options.env.SESSION_GUARD_SECRET_KEY_FILE || undefined);
  if (file) {
    if (!existsSync(file)) throw new SecretKeyError(`secret key file ${file} does not exist`);
    return make(parseKeyText(readFileSync(file, 'utf8'), `secret key file ${file}`), 'file', file, looseWarning(file));
  }
  privateDataDir(options.dataDir);
  const path = join(options.dataDir, GENERATED_KEY_FILE);
  try {
    // `wx`: two processes starting together never overwrite each other's key.
    writeFileSync(path, `${randomBytes(32).toString('base64')}\n`, { flag: 'wx', mode: 0o600 });
    chmodSync(path, 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return make(
    parseKeyText(readFileSync(path, 'utf8'), `secret key file ${path}`),
    'generated',
    path,
    looseWarning(path),
  );
}

/** Loads the key on first use only, so a backend that never connects Slack never writes one. */
export function lazySecretKey(options: SecretKeyOptions): () => SecretKey {
  let key: SecretKey | undefined;
  return () => (key ??= loadSecretKey(options));
}
