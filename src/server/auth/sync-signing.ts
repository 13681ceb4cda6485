/**
 * The backend's own signing and verifying on its hot paths (a device's batch checked, a
 * verdict signed), the same ECDSA P-256 / SHA-256 / IEEE P1363 signatures as
 * src/shared/crypto/signing.ts, but through node:crypto's synchronous calls. Node runs
 * each WebCrypto sign or verify on its thread pool, and the hop there and back is what
 * costs, not the arithmetic (about 0.1 ms): on a loaded machine (load average 16 on two
 * cores) the medians of ingest and detection fell from 6 + 10 ms to 3 + 6 ms with these
 * (bench/latency.ts, 100 terminations each, issue 16). The keys stay WebCrypto CryptoKeys
 * everywhere else; KeyObject.from reads them without copying the key out.
 */
import { KeyObject, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { fromBase64Url, toBase64Url, utf8 } from '../../shared/crypto/encoding';

const keyObjects = new WeakMap<CryptoKey, KeyObject>();
const keyObject = (key: CryptoKey): KeyObject => {
  let object = keyObjects.get(key);
  if (!object) keyObjects.set(key, (object = KeyObject.from(key)));
  return object;
};

/** As `sign` in the shared module: base64url r‖s over the UTF-8 text or the bytes. */
export function signNow(privateKey: CryptoKey, data: string | Uint8Array): string {
  const bytes = typeof data === 'string' ? utf8(data) : data;
  return toBase64Url(nodeSign('sha256', bytes, { key: keyObject(privateKey), dsaEncoding: 'ieee-p1363' }));
}

/** As `verify` in the shared module: false, never a throw, for any malformed key, signature or data. */
export function verifyNow(publicKey: CryptoKey, signature: string, data: string | Uint8Array): boolean {
  try {
    const sig = fromBase64Url(signature);
    if (sig.length !== 64) return false;
    const bytes = typeof data === 'string' ? utf8(data) : data;
    return nodeVerify('sha256', bytes, { key: keyObject(publicKey), dsaEncoding: 'ieee-p1363' }, sig);
  } catch {
    return false;
  }
}
