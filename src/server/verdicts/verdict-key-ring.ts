/**
 * The backend's verdict signing keys (issue #10, docs/adr/0003-verdict-key-rotation.md):
 * sealed at rest under the secret key, identified by `kid` (RFC 7638 thumbprint), ordered
 * by generation. The newest key whose `active_from` has passed signs; managed policy
 * lists the keys from the newest down to the one before the signing key, so devices
 * accept both sides of a rotation and a key leaves the policy one rotation after it
 * stopped signing. A key made before keys were sealed (`kv.verdict_signing_key`, clear
 * JWK) is sealed here, unchanged, as generation 1, and its clear row overwritten.
 */
import { sql } from 'kysely';
import { ECDSA_P256, exportSpkiPublicKey, importSpkiPublicKey } from '../../shared/crypto/signing';
import { verdictKeyId } from '../../shared/crypto/verdict-keys';
import type { DialectName } from '../db/database';
import { getValue, setValue } from '../db/kv.repository';
import type { Db } from '../db/schema';
import type { SecretKey } from '../slack/secret-key';
import { hasVerdictKey, insertVerdictKey, listVerdictKeyRows, type VerdictKeyRow } from '../db/verdict-keys.repository';
import { sealPrivateJwk, unsealPrivateJwk, VerdictKeyError } from './key-seal';

export { VerdictKeyError } from './key-seal';

/** Where keys lived before they were sealed; now holds only LEGACY_TOMBSTONE. */
export const LEGACY_KV_KEY = 'verdict_signing_key';
/** Not JSON on purpose: an older replica still running fails at start instead of minting a key of its own. */
export const LEGACY_TOMBSTONE = 'sealed into table verdict_keys (issue #10)';
/** How long a running backend keeps its view of the keys before looking for a rotation. */
const REFRESH_MS = 10_000;

export interface SigningKey {
  kid: string;
  privateKey: CryptoKey;
}

export interface PublishedVerdictKey {
  kid: string;
  publicSpki: string;
  generation: number;
  createdAt: number;
  activeFrom: number;
}

export interface VerdictKeys extends SigningKey {
  /** The key signing when the store was opened. */
  publicKey: CryptoKey;
  /** base64 SPKI DER of that key: the managed policy's `verdictPublicKey`. */
  publicSpki: string;
  /** What managed policy lists as `verdictPublicKeys`, newest first. */
  published: PublishedVerdictKey[];
  /** The key to sign with now; notices a rotation made by another process within seconds. */
  signing(): Promise<SigningKey>;
}

type Row = VerdictKeyRow;

const toPublished = (r: Row): PublishedVerdictKey => ({
  kid: r.kid,
  publicSpki: r.public_spki,
  generation: Number(r.generation),
  createdAt: Number(r.created_at),
  activeFrom: Number(r.active_from),
});

const rows = listVerdictKeyRows;

function signingRow(all: Row[], now: number): Row {
  const row = all.find((r) => Number(r.active_from) <= now) ?? all[all.length - 1];
  if (!row) throw new VerdictKeyError('no verdict signing key is stored');
  return row;
}

export interface KeyStates {
  /** The newest key whose `activeFrom` has passed: it signs. */
  signing: PublishedVerdictKey;
  /** What managed policy lists: newest first, down to the key before the signing one. */
  published: PublishedVerdictKey[];
}

/** `keys` newest first, as listVerdictKeys returns them. */
export function keyStates(keys: PublishedVerdictKey[], now: number): KeyStates {
  const signing = keys.find((k) => k.activeFrom <= now) ?? keys[keys.length - 1];
  if (!signing) throw new VerdictKeyError('no verdict signing key is stored');
  return { signing, published: keys.filter((k) => k.generation >= signing.generation - 1) };
}

async function newRow(secretKey: SecretKey, jwk: JsonWebKey, generation: number, now: number, activeFrom: number) {
  const publicKey = await publicKeyOf(jwk);
  const kid = await verdictKeyId(publicKey);
  return {
    kid,
    generation,
    public_spki: await exportSpkiPublicKey(publicKey),
    sealed_private: sealPrivateJwk(secretKey, kid, jwk),
    secret_key_id: secretKey.id,
    created_at: now,
    active_from: activeFrom,
  } satisfies Row;
}

function publicKeyOf(jwk: JsonWebKey): Promise<CryptoKey> {
  return crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, ext: true }, ECDSA_P256, true, [
    'verify',
  ]);
}

async function generateJwk(): Promise<JsonWebKey> {
  const pair = (await crypto.subtle.generateKey(ECDSA_P256, true, ['sign', 'verify'])) as CryptoKeyPair;
  return crypto.subtle.exportKey('jwk', pair.privateKey);
}

const insert = insertVerdictKey;

/**
 * Seals a key stored in clear by an older version, the same key (deployed extensions keep
 * verifying), then overwrites the clear row. On SQLite the old bytes are zeroed
 * (secure_delete) and the WAL checkpointed, so the file no longer holds them.
 */
export async function sealLegacyKey(db: Db, secretKey: SecretKey, dialect: DialectName, now: number): Promise<void> {
  const legacy = await getValue(db, LEGACY_KV_KEY);
  if (legacy === undefined || legacy === LEGACY_TOMBSTONE) return;
  let jwk: JsonWebKey;
  try {
    jwk = JSON.parse(legacy) as JsonWebKey;
  } catch {
    throw new VerdictKeyError(`kv.${LEGACY_KV_KEY} holds neither a key nor the sealed marker`);
  }
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.d)
    throw new VerdictKeyError(`kv.${LEGACY_KV_KEY} is not a P-256 private key`);
  const row = await newRow(secretKey, jwk, 1, now, 0);
  await insert(db, row);
  if (!(await hasVerdictKey(db, row.kid))) {
    throw new VerdictKeyError(
      `a different first verdict key is already stored beside the clear one (${row.kid}); the clear key was left in place`,
    );
  }
  if (dialect === 'sqlite') await sql`PRAGMA secure_delete = ON`.execute(db);
  await setValue(db, LEGACY_KV_KEY, LEGACY_TOMBSTONE, now);
  if (dialect === 'sqlite') await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

async function load(db: Db, secretKey: SecretKey, now: number): Promise<{ all: Row[]; signing: SigningKey }> {
  const all = await rows(db);
  const row = signingRow(all, now);
  const jwk = unsealPrivateJwk(secretKey, row);
  const privateKey = await crypto.subtle.importKey('jwk', jwk, ECDSA_P256, false, ['sign']);
  return { all, signing: { kid: row.kid, privateKey } };
}

/** Seals a legacy key, makes the first key if there is none, and opens the ring. */
export async function ensureVerdictKeys(
  db: Db,
  secretKey: SecretKey,
  options: { dialect: DialectName; now: number; clock?: () => number },
): Promise<VerdictKeys> {
  await sealLegacyKey(db, secretKey, options.dialect, options.now);
  if ((await rows(db)).length === 0) {
    // Replicas starting together: the unique generation lets exactly one first key in.
    await insert(db, await newRow(secretKey, await generateJwk(), 1, options.now, 0));
  }
  const opened = await load(db, secretKey, options.now);
  const clock = options.clock ?? Date.now;
  const row = signingRow(opened.all, options.now);
  const publicKey = await importSpkiPublicKey(row.public_spki);
  let cached = { at: options.now, key: opened.signing };
  return {
    ...opened.signing,
    publicKey,
    publicSpki: row.public_spki,
    published: keyStates(opened.all.map(toPublished), options.now).published,
    async signing() {
      const now = clock();
      if (now - cached.at >= REFRESH_MS || now < cached.at) {
        // A failed look (the database briefly away) keeps the key in hand: it is still valid.
        const fresh = await load(db, secretKey, now).catch(() => null);
        cached = { at: now, key: fresh && fresh.signing.kid !== cached.key.kid ? fresh.signing : cached.key };
      }
      return cached.key;
    },
  };
}

/** Every key, newest first, public halves only (`verdict-key list`). */
export async function listVerdictKeys(db: Db): Promise<PublishedVerdictKey[]> {
  return (await rows(db)).map(toPublished);
}

/**
 * `verdict-key rotate`: a new key, signing from `activeFrom` (now by default). Refused when
 * this process cannot unseal the current key, so a wrong secret key never splits the ring.
 */
export async function rotateVerdictKey(
  db: Db,
  secretKey: SecretKey,
  now: number,
  activeFrom = now,
): Promise<PublishedVerdictKey> {
  for (let attempt = 0; attempt < 3; attempt++) {
    const { all } = await load(db, secretKey, now);
    const row = await newRow(secretKey, await generateJwk(), Number(all[0]!.generation) + 1, now, activeFrom);
    if (await insert(db, row)) return toPublished(row);
  }
  throw new VerdictKeyError('another rotation ran at the same moment; run verdict-key rotate again');
}
