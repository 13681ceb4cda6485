/**
 * Admin password hashing with scrypt (node:crypto), a memory-hard function. Parameters
 * follow OWASP's Password Storage Cheat Sheet minimum for scrypt: N=2^17, r=8, p=1
 * (128 MiB and ~0.6 s a hash on a 2-core test machine). The stored form carries its own
 * parameters, `scrypt$N$r$p$salt$hash` (salt and hash base64url), so older hashes still
 * verify and `needsRehash` tells the caller to upgrade them after a good sign-in.
 *
 * At 128 MiB a derivation, parallel sign-in attempts could exhaust memory: at most
 * MAX_CONCURRENT derivations run at once; the rest wait, and beyond a queue's limit they
 * are refused (`PasswordBusyError`) instead of queued. Two queues (issue #10): `clean`
 * attempts (from an address block with no failures and nothing in flight, see
 * login-throttle.ts) always go before `suspect` ones, and take turns between the oldest
 * waiting and the newest, so nobody starves and a burst queued just before the right
 * password does not stand in its way. Waiting costs a pending promise, not memory.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

export const SCRYPT_PARAMS = { N: 2 ** 17, r: 8, p: 1 } as const;
const KEY_LENGTH = 32;
/** Refuse absurd parameters from the store rather than allocate gigabytes. */
const MAX_N = 2 ** 20;
const MAX_CONCURRENT = 2;
const MAX_QUEUED = { clean: 256, suspect: 16 } as const;

export type HashPriority = keyof typeof MAX_QUEUED;

export class PasswordBusyError extends Error {}

let running = 0;
const waiting: Record<HashPriority, (() => void)[]> = { clean: [], suspect: [] };
let newestNext = true;

function next(): (() => void) | undefined {
  if (waiting.clean.length > 0) {
    newestNext = !newestNext;
    return !newestNext ? waiting.clean.pop() : waiting.clean.shift();
  }
  return waiting.suspect.shift();
}

async function limited<T>(priority: HashPriority, work: () => Promise<T>): Promise<T> {
  if (running >= MAX_CONCURRENT) {
    const queue = waiting[priority];
    if (queue.length >= MAX_QUEUED[priority]) throw new PasswordBusyError('too many password checks at once');
    await new Promise<void>((resolve) => queue.push(resolve));
  } else {
    running++;
  }
  try {
    return await work();
  } finally {
    // A waiter takes over this slot (running stays the same), or the slot frees.
    const wake = next();
    if (wake) wake();
    else running--;
  }
}

function derive(
  password: string,
  salt: Buffer,
  n: number,
  r: number,
  p: number,
  priority: HashPriority,
): Promise<Buffer> {
  const maxmem = 128 * n * r * p + 32 * 1024 * 1024;
  return limited(
    priority,
    () =>
      new Promise((resolve, reject) =>
        scrypt(password, salt, KEY_LENGTH, { N: n, r, p, maxmem }, (err, key) => (err ? reject(err) : resolve(key))),
      ),
  );
}

export async function hashPassword(password: string, priority: HashPriority = 'suspect'): Promise<string> {
  const { N, r, p } = SCRYPT_PARAMS;
  const salt = randomBytes(16);
  const key = await derive(password, salt, N, r, p, priority);
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

function parse(stored: string): { n: number; r: number; p: number; salt: Buffer; hash: Buffer } | null {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const [n, r, p] = [nText, rText, pText].map(Number) as [number, number, number];
  if (![n, r, p].every((v) => Number.isInteger(v) && v > 0) || n > MAX_N || r > 32 || p > 16) return null;
  const hash = Buffer.from(hashText, 'base64url');
  if (hash.length !== KEY_LENGTH) return null;
  return { n, r, p, salt: Buffer.from(saltText, 'base64url'), hash };
}

export async function verifyPassword(
  password: string,
  stored: string,
  priority: HashPriority = 'suspect',
): Promise<boolean> {
  const parsed = parse(stored);
  if (!parsed) return false;
  const actual = await derive(password, parsed.salt, parsed.n, parsed.r, parsed.p, priority);
  return timingSafeEqual(actual, parsed.hash);
}

/** True when `stored` was made with weaker parameters than today's. */
export function needsRehash(stored: string): boolean {
  const parsed = parse(stored);
  if (!parsed) return true;
  return parsed.n < SCRYPT_PARAMS.N || parsed.r < SCRYPT_PARAMS.r || parsed.p < SCRYPT_PARAMS.p;
}
