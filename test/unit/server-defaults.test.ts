/**
 * The embedded defaults' pure parts (issue #11): which Tor exit list source `serve` uses
 * and how it is turned off, and which hosts count as loopback for the development-key
 * warning.
 */
import { describe, expect, it } from 'vitest';
import { resolveServeConfig } from '../../src/server/config';
import { devKeyWarning, isLoopbackHost } from '../../src/server/deploy/dev-key-warning';
import { DEFAULT_TOR_EXIT_LIST_URL } from '../../src/server/tor/default-source';

describe('the Tor exit list source', () => {
  it("is the Tor Project's bulk exit list when nothing is said", () => {
    expect(resolveServeConfig({}, {}).torExitList).toBe('https://check.torproject.org/torbulkexitlist');
    expect(DEFAULT_TOR_EXIT_LIST_URL).toBe('https://check.torproject.org/torbulkexitlist');
  });

  it.each([
    [{ 'tor-exit-list': 'none' }, {}],
    [{ 'tor-exit-list': 'off' }, {}],
    [{}, { SESSION_GUARD_TOR_EXIT_LIST: 'none' }],
    [{}, { SESSION_GUARD_TOR_EXIT_LIST: 'OFF' }],
  ])('is off with %j %j', (flags, env) => {
    expect(resolveServeConfig(flags, env).torExitList).toBeUndefined();
  });

  it('takes the flag over the environment, and the environment over the default', () => {
    expect(resolveServeConfig({ 'tor-exit-list': 'a.txt' }, { SESSION_GUARD_TOR_EXIT_LIST: 'none' }).torExitList).toBe(
      'a.txt',
    );
    expect(resolveServeConfig({}, { SESSION_GUARD_TOR_EXIT_LIST: 'https://mirror.example/list' }).torExitList).toBe(
      'https://mirror.example/list',
    );
  });
});

describe('loopback, for the development key warning', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', 'app.localhost', '::1', '[::1]'])(
    '%s is loopback',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
    },
  );

  it.each(['0.0.0.0', '::', '10.0.0.5', 'guard.example.com', '127.0.0.1.example.com', 'localhost.example.com'])(
    '%s is not',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
    },
  );

  it('warns for the development key outside loopback only', () => {
    expect(devKeyWarning({ source: 'development' }, 'https://guard.example.com')).toContain(
      'DEVELOPMENT extension key',
    );
    expect(devKeyWarning({ source: 'development' }, undefined)).toContain('not known to be on loopback');
    expect(devKeyWarning({ source: 'development' }, 'http://127.0.0.1:8787')).toBeNull();
    expect(devKeyWarning({ source: 'environment' }, 'https://guard.example.com')).toBeNull();
  });
});
