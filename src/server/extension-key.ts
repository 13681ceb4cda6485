/**
 * The extension's signing identity. Chromium derives an extension's ID from the public
 * key in its manifest (`key`): the first 16 bytes of SHA-256 over the SubjectPublicKeyInfo,
 * each hex digit mapped to a–p. The repo carries a development key so the ID is stable
 * for everyone; an org builds with its own through SESSION_GUARD_EXTENSION_KEY (a path to
 * a PEM private key, or the PEM itself), which also signs the CRX it distributes.
 */
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const DEV_EXTENSION_KEY_PATH = fileURLToPath(new URL('../../keys/extension-dev.pem', import.meta.url));

export interface ExtensionKey {
  privateKey: KeyObject;
  /** base64 SPKI DER: the manifest's `key`. */
  manifestKey: string;
  extensionId: string;
  source: 'development' | 'environment';
}

export function extensionIdFromSpki(spkiDer: Buffer): string {
  const hex = createHash('sha256').update(spkiDer).digest('hex').slice(0, 32);
  return [...hex].map((c) => String.fromCharCode('a'.charCodeAt(0) + parseInt(c, 16))).join('');
}

export function loadExtensionKey(env: NodeJS.ProcessEnv = process.env): ExtensionKey {
  const configured = env.SESSION_GUARD_EXTENSION_KEY?.trim();
  const pem = configured
    ? configured.startsWith('-----BEGIN')
      ? configured
      : readFileSync(configured, 'utf8')
    : readFileSync(DEV_EXTENSION_KEY_PATH, 'utf8');
  const privateKey = createPrivateKey(pem);
  const spki = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return {
    privateKey,
    manifestKey: spki.toString('base64'),
    extensionId: extensionIdFromSpki(spki),
    source: configured ? 'environment' : 'development',
  };
}
