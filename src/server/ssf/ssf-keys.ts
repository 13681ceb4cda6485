/**
 * The transmitter's SET signing key (issue #12): ES256 via `jose`, made once by whichever
 * replica gets there first (generation 1 is unique, so racing replicas agree on one),
 * its private half sealed under the secret key (seal.ts), its public half published at
 * the JWKS URL the configuration names. Whoever reads the database alone cannot sign a SET.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { Db } from '../db/schema';
import type { SecretKey } from '../slack/secret-key';
import { seal, unseal } from './seal';

export const SET_ALG = 'ES256';

export interface SetSigningKey {
  kid: string;
  privateKey: CryptoKey;
}

const label = (kid: string) => `signing-key:${kid}`;

async function makeKey(db: Db, key: SecretKey, now: number): Promise<void> {
  const pair = await generateKeyPair(SET_ALG, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(pair.privateKey);
  await db
    .insertInto('ssf_keys')
    .values({
      kid,
      generation: 1,
      public_jwk: JSON.stringify({ ...publicJwk, kid, alg: SET_ALG, use: 'sig' }),
      sealed_private: seal(key, label(kid), JSON.stringify(privateJwk)),
      secret_key_id: key.id,
      created_at: now,
    })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

async function newest(db: Db) {
  return db.selectFrom('ssf_keys').selectAll().orderBy('generation', 'desc').executeTakeFirst();
}

/** The key SETs are signed with now, made on first use. */
export async function setSigningKey(db: Db, key: SecretKey, now: number): Promise<SetSigningKey> {
  let row = await newest(db);
  if (!row) {
    await makeKey(db, key, now);
    row = await newest(db);
  }
  if (!row) throw new Error('no SET signing key could be stored');
  const jwk = JSON.parse(unseal(key, label(row.kid), row.sealed_private, row.secret_key_id)) as JWK;
  return { kid: row.kid, privateKey: (await importJWK(jwk, SET_ALG)) as CryptoKey };
}

/** The JWKS receivers verify SETs with (public keys only). */
export async function publishedJwks(db: Db, key: SecretKey, now: number): Promise<{ keys: JWK[] }> {
  if (!(await newest(db))) await makeKey(db, key, now);
  const rows = await db.selectFrom('ssf_keys').select('public_jwk').orderBy('generation', 'desc').execute();
  return { keys: rows.map((r) => JSON.parse(r.public_jwk) as JWK) };
}
