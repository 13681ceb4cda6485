/**
 * The development extension key (keys/extension-dev.pem) is public: it is in the
 * repository, so anyone can sign an "update" that browsers accept as Session Guard. Fine
 * on loopback; anywhere else it must be loud (issue #11). One check and one wording for
 * every place that signs or advertises a package: `extension pack`, `policy export` and
 * `serve` on a non-loopback address.
 */
import type { ExtensionKey } from '../extension-key';

/** Loopback names and addresses; `0.0.0.0`/`::` listen everywhere, so they are not. */
export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

export function isLoopbackUrl(url: string): boolean {
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** The warning for a package signed with the development key for `where`, or null when none is due. */
export function devKeyWarning(key: Pick<ExtensionKey, 'source'>, where: string | undefined): string | null {
  if (key.source !== 'development') return null;
  if (where !== undefined && (isLoopbackHost(where) || isLoopbackUrl(where))) return null;
  const target = where ? `for ${where}, which is not loopback` : 'for a backend not known to be on loopback';
  return (
    `WARNING: the DEVELOPMENT extension key (keys/extension-dev.pem) signs the extension ${target}. ` +
    'That key is public: anyone can sign an update your browsers will install. ' +
    'Set SESSION_GUARD_EXTENSION_KEY to your own key (openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out key.pem).'
  );
}
