/**
 * Where the Tor exit list comes from when nobody says (issue #11): the Tor Project's bulk
 * exit list, so the tor detector works out of the box. `--tor-exit-list FILE|URL` or
 * SESSION_GUARD_TOR_EXIT_LIST chooses another source; `none` (or `off`) in either turns
 * the list off, which tests and CI do so that they never reach the network. A URL source is
 * fetched in the background and its last good copy kept in the data dir (tor/last-good.ts).
 */
export const DEFAULT_TOR_EXIT_LIST_URL = 'https://check.torproject.org/torbulkexitlist';

const OFF = new Set(['none', 'off', '']);

/** The configured source, or undefined when the list is off. */
export function torExitListSource(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const value = (flag ?? env.SESSION_GUARD_TOR_EXIT_LIST ?? DEFAULT_TOR_EXIT_LIST_URL).trim();
  return OFF.has(value.toLowerCase()) ? undefined : value;
}
