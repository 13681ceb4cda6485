import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/server/auth/password';
import { readCookie, sessionCookie } from '../../src/server/auth/cookies';
import { constantTimeEqual } from '../../src/server/auth/tokens';
import { ConfigError, resolveServeConfig } from '../../src/server/config';
import { loadPolicyFile } from '../../src/server/policy/policy-file';
import { detectionToResponseMs } from '../../src/server/verdicts/latency';
import { escapeHtml } from '../../src/dashboard/html';
import { verdictsPage } from '../../src/dashboard/verdicts-page';

describe('detection-to-response latency', () => {
  it('subtracts the device’s own time after clearing, whatever its clock offset', () => {
    const timings = { receivedAt: 1e12, verifiedAt: 1e12 + 5, clearedAt: 1e12 + 30, ackSentAt: 1e12 + 80 };

    expect(detectionToResponseMs(10_500, 10_000, timings)).toBe(450);
  });

  it('ends at the session’s end when the device reports it, else at the whole clear', () => {
    const timings = { receivedAt: 1e12, verifiedAt: 1e12 + 5, clearedAt: 1e12 + 30, ackSentAt: 1e12 + 80 };

    expect(detectionToResponseMs(10_500, 10_000, { ...timings, sessionEndedAt: 1e12 + 20 })).toBe(440);
    expect(detectionToResponseMs(10_500, 10_000, timings)).toBe(450);
  });

  it('never reports a negative latency', () => {
    expect(detectionToResponseMs(10_010, 10_000, { receivedAt: 0, verifiedAt: 0, clearedAt: 0, ackSentAt: 500 })).toBe(
      0,
    );
  });
});

describe('admin password hashing', () => {
  it('verifies the right password and refuses others', async () => {
    const hash = await hashPassword('s3cret');

    expect(hash).toMatch(/^scrypt\$/);
    expect(hash).not.toContain('s3cret');
    expect(await verifyPassword('s3cret', hash)).toBe(true);
    expect(await verifyPassword('s3cret!', hash)).toBe(false);
    expect(await verifyPassword('s3cret', 'garbage')).toBe(false);
  });

  it('compares tokens by value only', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
  });
});

describe('session cookie', () => {
  it('is HttpOnly and SameSite=Strict, Secure over https', () => {
    expect(sessionCookie('v', 60, false)).toBe('sg_session=v; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('v', 60, true)).toMatch(/; Secure$/);
  });

  it('is read back from a Cookie header among others', () => {
    expect(readCookie('a=1; sg_session=xyz; b=2', 'sg_session')).toBe('xyz');
    expect(readCookie(undefined, 'sg_session')).toBeUndefined();
  });
});

describe('serve config', () => {
  it('defaults to 127.0.0.1:8787 and ./data', () => {
    expect(resolveServeConfig({}, {})).toMatchObject({
      host: '127.0.0.1',
      port: 8787,
      dataDir: join(process.cwd(), 'data'),
    });
  });

  it('accepts port 0 and refuses nonsense', () => {
    expect(resolveServeConfig({ port: '0' }, {}).port).toBe(0);
    expect(() => resolveServeConfig({ port: '99999' }, {})).toThrow(ConfigError);
    expect(() => resolveServeConfig({ port: 'http' }, {})).toThrow(ConfigError);
  });

  it('refuses a wildcard extension origin', () => {
    expect(() => resolveServeConfig({ 'extension-origin': ['*'] }, {})).toThrow(ConfigError);
  });
});

describe('policy file', () => {
  it('names the failing field, and reports unreadable or non-JSON files', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'sg-policy-'));
    const bad = join(dir, 'bad.json');
    const notJson = join(dir, 'not.json');
    await writeFile(bad, JSON.stringify({ detectors: { excessive_downloads: { maxFiles: 'many' } } }));
    await writeFile(notJson, '{ mode: enforce');

    const results = await Promise.all([
      loadPolicyFile(bad),
      loadPolicyFile(notJson),
      loadPolicyFile(join(dir, 'missing.json')),
    ]);

    expect(results.map((r) => r.ok)).toEqual([false, false, false]);
    expect(results[0].ok === false && results[0].error).toMatch(/detectors\.excessive_downloads\.maxFiles: /);
    expect(results[1].ok === false && results[1].error).toMatch(/not valid JSON/);
    expect(results[2].ok === false && results[2].error).toMatch(/cannot read/);
    await rm(dir, { recursive: true, force: true });
  });
});

describe('dashboard HTML', () => {
  it('escapes every piece of data', () => {
    expect(escapeHtml(`<img src=x onerror="alert('x')">&`)).toBe(
      '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;',
    );

    const base = {
      id: 'v1',
      reasons: ['<b>'],
      deviceId: '"><script>',
      userId: null,
      sessionKey: null,
      action: 'terminate' as const,
      issuedAt: 0,
      expiresAt: 0,
      policyVersion: 1,
      findingId: 'f',
      detectedAt: 0,
    };
    const ack = {
      outcome: 'executed',
      detail: null,
      via: 'poll',
      cookiesCleared: 1,
      receivedAt: 0,
      timings: { receivedAt: 0, verifiedAt: 0, clearedAt: 0, ackSentAt: 0 },
      latencyMs: 12,
    };
    const page = verdictsPage({
      verdicts: [
        { ...base, ack },
        { ...base, id: 'v2', ack: null },
      ],
      filters: {},
      csrf: 'token',
      now: 0,
    });

    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;b&gt;');
    expect(page).toContain('12 ms');
    expect(page).toContain('pending');
  });
});
