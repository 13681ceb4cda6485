import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ORG_POLICY, parseOrgPolicy } from '@/src/shared/policy/org-policy';
import { ManagedPolicy, readManagedPolicy } from '@/src/shared/policy/managed-policy';

describe('org policy', () => {
  it('fills every key of the documented shape from an empty document', () => {
    expect(DEFAULT_ORG_POLICY.mode).toBe('enforce');
    expect(DEFAULT_ORG_POLICY.detectors.excessive_downloads).toEqual({
      enabled: true,
      action: 'terminate',
      maxBytes: 524288000,
      maxFiles: 200,
      windowSeconds: 600,
      excludedUsers: [],
      excludedGroups: [],
    });
    expect(DEFAULT_ORG_POLICY.detectors.ip_address).toEqual({
      enabled: false,
      action: 'alert',
      excludedUsers: [],
      excludedGroups: [],
    });
    expect(DEFAULT_ORG_POLICY.cooldownSeconds).toBe(300);
  });

  it('keeps what a file says and defaults the rest', () => {
    const result = parseOrgPolicy({ mode: 'monitor', detectors: { excessive_downloads: { maxFiles: 5 } } });

    expect(result.ok && result.policy.mode).toBe('monitor');
    expect(result.ok && result.policy.detectors.excessive_downloads.maxFiles).toBe(5);
    expect(result.ok && result.policy.detectors.excessive_downloads.windowSeconds).toBe(600);
  });

  it.each([
    [{ detectors: { excessive_downloads: { maxFiles: 'many' } } }, 'detectors.excessive_downloads.maxFiles'],
    [{ mode: 'block' }, 'mode'],
    [{ detectors: { tor: { action: 'ban' } } }, 'detectors.tor.action'],
    [{ trustedCidrs: ['10.0.0.0'] }, 'trustedCidrs.0'],
    [{ cooldownSecs: 5 }, '(document)'],
    [{ detectors: { excesive_downloads: {} } }, 'detectors'],
  ])('refuses %j naming %s', (input, field) => {
    const result = parseOrgPolicy(input);

    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toContain(field);
  });
});

describe('managed policy', () => {
  const valid = {
    backendUrl: 'https://guard.example.com/',
    enrollmentToken: 'tok_0123456789abcdef',
    verdictPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(60),
  };

  it('is missing when managed storage is empty, as it reads right after install', () => {
    expect(readManagedPolicy({})).toEqual({ status: 'missing' });
    expect(readManagedPolicy(undefined)).toEqual({ status: 'missing' });
  });

  it('accepts a complete policy and normalises the backend URL', () => {
    const state = readManagedPolicy(valid);

    expect(state.status).toBe('ok');
    expect(state.status === 'ok' && state.policy.backendUrl).toBe('https://guard.example.com');
  });

  it('names each problem of an invalid policy', () => {
    const state = readManagedPolicy({ ...valid, backendUrl: 'ftp://x', enrollmentToken: 'short' });

    expect(state.status).toBe('invalid');
    expect(state.status === 'invalid' && state.problems.join(' ')).toMatch(/backendUrl/);
    expect(state.status === 'invalid' && state.problems.join(' ')).toMatch(/enrollmentToken/);
  });

  it('declares in managed_schema.json exactly the keys the extension reads', () => {
    const schema = JSON.parse(readFileSync('public/managed_schema.json', 'utf8'));

    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(ManagedPolicy.shape).sort());
  });
});

describe('managed policy integers', () => {
  it('refuses a byte cap Chromium could not hold (policy integers are 32-bit)', () => {
    const base = {
      backendUrl: 'https://guard.example.com',
      enrollmentToken: 'tok_0123456789abcdef',
      verdictPublicKey: 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE' + 'A'.repeat(60),
    };

    expect(readManagedPolicy({ ...base, localMaxBytesPerWindow: 2_147_483_647 }).status).toBe('ok');
    expect(readManagedPolicy({ ...base, localMaxBytesPerWindow: 2_147_483_648 }).status).toBe('invalid');
  });
});
