/**
 * Admin password hashing with scrypt (node:crypto), a memory-hard function. Parameters
 * follow OWASP's Password Storage Cheat Sheet minimum for scrypt: N=2^17, r=8, p=1
 * (128 MiB and ~0.6 s a hash on a 2-core test machine). The stored form carries its own
 * parameters, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so older hashes still
 * verify and `needsRehash` tells the caller to upgrade them after a good sign-in.
 *
 * At 128 MiB a derivation, parallel sign-in attempts could exhaust memory: at most
 * MAX_CONCURRENT derivations run at once, and beyond MAX_QUEUED waiting, attempts are
 * refused (`PasswordBusyError`) instead of queued.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Refuse absurd parameters from the store rather than allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_CONCURRENT = 2;
const MAX_QUEUED = 16;

export class PasswordBusyError extends Error {}

let running = 0;
const waiting: (() => void)[] = [];

async function limited<T>(work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    if (waiting.length >= MAX_QUEUED) throw new PasswordBusyError('too many password checks at once');
    await new Promise<void>((resolve) => waiting.push(resolve));
  }
  running++;
  try {
    return await work();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const maxmem = 128 * n * r * p + 32 * 1024 * 1024;
  return limited(
    () =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { n: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > MAX_N || r > 32 || p > 16) return null;
  const hash = Buffer.from(parts[5], 'base64url');
  if (hash.length !== KEY_LENGTH) return null;
  return { n, r, p, salt: Buffer.from(parts[4], 'base64url'), hash };
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p);
  return timingSafeEqual(actual, parsed.hash);
}

/** True when `stored` was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.n < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
}
