/**
 * @types/node 20 types `globalThis.crypto` but not the Web Crypto type names that
 * src/shared/crypto uses (they come from lib.dom in the extension's build). Alias them to
 * Node's own webcrypto types so the server type-checks without DOM libs.
 */
import type { webcrypto } from 'node:crypto';

declare global {
  type CryptoKey = webcrypto.CryptoKey;
  type CryptoKeyPair = webcrypto.CryptoKeyPair;
  type JsonWebKey = webcrypto.JsonWebKey;
}

export {};
