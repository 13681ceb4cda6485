/**
 * Verdict signing keys at rest and in rotation (issue #10), on SQLite and PostgreSQL:
 * someone reading the database alone finds no private key; a key stored in clear by an
 * older version is sealed as the same key; a replica with another secret key refuses to
 * start; after `verdict-key rotate` new verdicts carry the new key's id and verify with
 * the exported key list, while verdicts signed before still verify.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openDatabase, SQLITE_FILE_NAME } from '../../src/server/db/database';
import { getValue } from '../../src/server/db/kv.repository';
import { MIGRATIONS } from '../../src/server/db/migrations/index';
import { openStore, type Store } from '../../src/server/db/open-store';
import { issueVerdict, type VerdictInput } from '../../src/server/verdicts/issue-verdict';
import { unsealPrivateJwk } from '../../src/server/verdicts/key-seal';
import {
  ensureVerdictKeys,
  LEGACY_KV_KEY,
  LEGACY_TOMBSTONE,
  rotateVerdictKey,
} from '../../src/server/verdicts/verdict-key-ring';
import {
  ECDSA_P256,
  exportPublicJwk,
  exportSpkiPublicKey,
  importSpkiPublicKey,
  jwkThumbprint,
  verify,
} from '../../src/shared/crypto/signing';
import { importVerdictKeyRing, verifyWithAny } from '../../src/shared/crypto/verdict-keys';
import { VerdictPayload } from '../../src/shared/protocol/verdict';
import { createPostgresDatabase, DIALECTS, stopPostgres, type TestDialect } from './server-support/test-store';

afterAll(stopPostgres);

const LAST_MIGRATION_BEFORE_SEALING = '20260101000000_verified_identity';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Place {
  dataDir: string;
  databaseUrl?: string;
}

async function place(dialect: TestDialect): Promise<Place> {
  const dataDir = await mkdtemp(join(tmpdir(), 'sg-keys-'));
  cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
  if (dialect === 'sqlite') return { dataDir };
  const database = await createPostgresDatabase();
  cleanups.push(() => database.drop());
  return { dataDir, databaseUrl: database.url };
}

async function open(where: Place, env: NodeJS.ProcessEnv = {}): Promise<Store> {
  const store = await openStore({ ...where, env });
  cleanups.push(() => store.close());
  return store;
}

/** A store as the version before sealing left it: schema up to then, the key in clear in kv. */
async function legacyStore(where: Place): Promise<{ jwk: JsonWebKey; spki: string }> {
  const opened = openDatabase(where);
  try {
    const migrator = new Migrator({ db: opened.db, provider: { getMigrations: async () => MIGRATIONS } });
    const { error } = await migrator.migrateTo(LAST_MIGRATION_BEFORE_SEALING);
    if (error) throw error;
    const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
    const jwk = await crypto.subtle.exportKey('jwk', pair.privateKey);
    await opened.db
      .insertInto('kv')
      .values({ key: LEGACY_KV_KEY, value: JSON.stringify(jwk), updated_at: 1 })
      .execute();
    return { jwk, spki: await exportSpkiPublicKey(pair.publicKey) };
  } finally {
    await opened.close();
  }
}

/** Everything a reader of the database sees where keys live, as one text. */
async function dump(store: Store): Promise<string> {
  const kv = await store.db.selectFrom('kv').selectAll().execute();
  const keys = await store.db.selectFrom('verdict_keys').selectAll().execute();
  return JSON.stringify({ kv, keys });
}

async function texts(store: Store): Promise<string[]> {
  const kv = await store.db.selectFrom('kv').selectAll().execute();
  const keys = await store.db.selectFrom('verdict_keys').selectAll().execute();
  return [...kv, ...keys].flatMap((row) => Object.values(row).filter((v): v is string => typeof v === 'string'));
}

/** How many of these texts import as a P-256 signing key. */
async function signingKeysIn(values: string[]): Promise<number> {
  let found = 0;
  for (const text of values) {
    try {
      await crypto.subtle.importKey('jwk', JSON.parse(text) as JsonWebKey, ECDSA_P256, false, ['sign']);
      found++;
    } catch {
      // not a key
    }
  }
  return found;
}

const input = (over: Partial<VerdictInput> = {}): VerdictInput => ({
  reasons: ['tor'],
  deviceId: 'device-1',
  sessionKey: null,
  userId: null,
  issuedAt: Date.now(),
  policyVersion: 1,
  ...over,
});

describe.each(DIALECTS)('verdict signing keys on %s', (dialect) => {
  it('seals a key stored in clear by an older version as the same key, so deployed extensions keep verifying', async () => {
    const where = await place(dialect);
    const legacy = await legacyStore(where);
    const sqliteFiles = [SQLITE_FILE_NAME, `${SQLITE_FILE_NAME}-wal`].map((f) => join(where.dataDir, f));
    const inFiles = () =>
      sqliteFiles.some((f) => existsSync(f) && readFileSync(f).includes(Buffer.from(legacy.jwk.d!)));
    if (dialect === 'sqlite') expect(inFiles()).toBe(true); // the clear key is there to be found, before

    const store = await open(where);

    const keys = store.secrets.verdictKeys;
    expect(keys.publicSpki).toBe(legacy.spki);
    expect(keys.kid).toBe(await jwkThumbprint(await exportPublicJwk(await importSpkiPublicKey(legacy.spki))));
    const verdict = await issueVerdict(await keys.signing(), input());
    expect(await verify(await importSpkiPublicKey(legacy.spki), verdict.signature, verdict.payload)).toBe(true);
    expect(VerdictPayload.parse(JSON.parse(verdict.payload)).kid).toBe(keys.kid);
    expect(await getValue(store.db, LEGACY_KV_KEY)).toBe(LEGACY_TOMBSTONE);
    expect(await dump(store)).not.toContain(legacy.jwk.d);
    // The files themselves, as a stolen copy of the data dir holds them: the old bytes are gone.
    if (dialect === 'sqlite') expect(inFiles()).toBe(false);
  });

  it('gives someone reading the database alone no private key to sign with', async () => {
    const store = await open(await place(dialect));
    const row = await store.db.selectFrom('verdict_keys').selectAll().executeTakeFirstOrThrow();
    const d = unsealPrivateJwk(store.secretKey, row).d!;

    const seen = await dump(store);

    expect(d.length).toBeGreaterThan(40);
    expect(seen).not.toContain(d);
    expect(seen).not.toMatch(/"d"\s*:/);
    // The attacker's move: import every value the key tables hold as a signing key.
    expect(await signingKeysIn(await texts(store))).toBe(0);
    expect(await signingKeysIn([JSON.stringify(unsealPrivateJwk(store.secretKey, row))])).toBe(1); // the check works
  });

  it('refuses to start a replica whose secret key cannot unseal the signing key, saying what to give it', async () => {
    const where = await place(dialect);
    await (await open(where)).close();

    const wrong = { SESSION_GUARD_SECRET_KEY: randomBytes(32).toString('base64') };

    await expect(openStore({ ...where, env: wrong })).rejects.toThrow(
      /sealed with secret key [0-9a-f]{16}, this backend has [0-9a-f]{16}: give every replica .*SESSION_GUARD_SECRET_KEY/,
    );
  });

  it('signs with the new key after a rotation; the exported list verifies new and old verdicts', async () => {
    const where = await place(dialect);
    const before = await open(where);
    const oldVerdict = await issueVerdict(await before.secrets.verdictKeys.signing(), input());
    const oldPolicyRing = [await importSpkiPublicKey(before.secrets.verdictKeys.publicSpki)];

    const rotated = await rotateVerdictKey(before.db, before.secretKey, Date.now());
    const after = await open(where);
    const newVerdict = await issueVerdict(await after.secrets.verdictKeys.signing(), input());

    const published = after.secrets.verdictKeys.published;
    expect(published.map((k) => k.kid)).toEqual([rotated.kid, before.secrets.verdictKeys.kid]);
    expect(after.secrets.verdictKeys.publicSpki).toBe(rotated.publicSpki);
    expect(VerdictPayload.parse(JSON.parse(newVerdict.payload)).kid).toBe(rotated.kid);
    const exportedRing = await importVerdictKeyRing(published.map((k) => k.publicSpki));
    expect(await verifyWithAny(exportedRing, newVerdict.signature, newVerdict.payload)).toBe(true);
    expect(await verifyWithAny(exportedRing, oldVerdict.signature, oldVerdict.payload)).toBe(true);
    // A device still on the old policy cannot verify the new key's verdicts: why the list exists.
    expect(await verifyWithAny(oldPolicyRing, newVerdict.signature, newVerdict.payload)).toBe(false);
  });

  it('a running backend picks up a rotation made by another process within seconds', async () => {
    const store = await open(await place(dialect));
    let now = Date.now();
    const running = await ensureVerdictKeys(store.db, store.secretKey, { dialect, now, clock: () => now });
    const first = (await running.signing()).kid;

    const rotated = await rotateVerdictKey(store.db, store.secretKey, now);
    const soon = (await running.signing()).kid;
    now += 10_000;
    const later = (await running.signing()).kid;

    expect(soon).toBe(first);
    expect(later).toBe(rotated.kid);
  });

  it('publishes a key activated later before it signs, and drops a key two rotations old', async () => {
    const where = await place(dialect);
    const store = await open(where);
    const g1 = store.secrets.verdictKeys.kid;
    const now = Date.now();

    const g2 = await rotateVerdictKey(store.db, store.secretKey, now, now);
    const g3 = await rotateVerdictKey(store.db, store.secretKey, now, now + 3_600_000);
    const view = await open(where);

    expect((await view.secrets.verdictKeys.signing()).kid).toBe(g2.kid);
    expect(view.secrets.verdictKeys.publicSpki).toBe(g2.publicSpki);
    expect(view.secrets.verdictKeys.published.map((k) => k.kid)).toEqual([g3.kid, g2.kid, g1]);
    const later = await ensureVerdictKeys(view.db, view.secretKey, { dialect, now: now + 3_600_000 });
    expect(later.kid).toBe(g3.kid);
    expect(later.published.map((k) => k.kid)).toEqual([g3.kid, g2.kid]);
  });

  it('replicas opening a fresh store together agree on one first key', async () => {
    const where = await place(dialect);
    const store = await open(where);
    await store.db.deleteFrom('verdict_keys').execute();

    const [a, b] = await Promise.all([
      ensureVerdictKeys(store.db, store.secretKey, { dialect, now: 1 }),
      ensureVerdictKeys(store.db, store.secretKey, { dialect, now: 1 }),
    ]);

    expect(a.kid).toBe(b.kid);
    expect(await store.db.selectFrom('verdict_keys').select('kid').execute()).toHaveLength(1);
  });
});
