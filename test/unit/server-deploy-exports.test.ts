/**
 * `policy export` (issue #6): every format carries the same force-install entry and the
 * same managed settings. JSON forms are checked against the extension's
 * managed_schema.json; the key list comes from that schema, so a key the extension adds
 * must be exportable (the Windows and macOS forms have their own tests beside this one).
 */
import { describe, expect, it } from 'vitest';
import { resolveDeployPolicy } from '../../src/server/deploy/deploy-policy';
import { ManagedPolicy } from '../../src/shared/policy/managed-policy';
import {
  EXPECTED_SETTINGS,
  FORCE_INSTALL,
  ID,
  REQUIRED,
  ROTATED,
  SCHEMA_KEYS,
  file,
  files,
  input,
  schemaProblems,
  schemaType,
} from './server-deploy-fixture';

describe('the exports stay in step with managed_schema.json', () => {
  it('the schema and the extension’s zod policy name the same keys', () => {
    expect(SCHEMA_KEYS).toEqual(Object.keys(ManagedPolicy.shape).sort());
  });

  it('the test policy sets every schema key, validly', () => {
    expect(Object.keys(EXPECTED_SETTINGS).sort()).toEqual(SCHEMA_KEYS);
    expect(ManagedPolicy.safeParse(EXPECTED_SETTINGS).error?.issues ?? []).toEqual([]);
  });
});

describe('chrome-linux', () => {
  it('is the policies/managed JSON: force-install, and settings that satisfy the managed schema', () => {
    const policy = JSON.parse(file('chrome-linux').text);

    expect(Object.keys(policy)).toEqual(['ExtensionSettings', '3rdparty']);
    expect(policy.ExtensionSettings).toEqual(FORCE_INSTALL);
    expect(policy['3rdparty'].extensions[ID]).toEqual(EXPECTED_SETTINGS);
    expect(schemaProblems(policy['3rdparty'].extensions[ID])).toEqual([]);
  });

  it('is one file for every Chromium browser (Chrome, Chromium and Edge read the same JSON)', () => {
    expect(files('chrome-linux').map((f) => [f.name, f.browser])).toEqual([['session-guard.json', 'any']]);
  });

  it('points updates elsewhere when asked (e.g. the Chrome Web Store)', () => {
    const store = 'https://clients2.google.com/service/update2/crx';

    const policy = resolveDeployPolicy({ ...input(), updateUrl: store });

    expect(policy.updateUrl).toBe(store);
  });
});

describe('google-admin', () => {
  it('wraps each managed key as {"Value": v}, with the JSON type of its schema type', () => {
    const wrapped = JSON.parse(file('google-admin').text) as Record<string, { Value: unknown }>;

    expect(Object.keys(wrapped).sort()).toEqual(SCHEMA_KEYS);
    for (const [key, entry] of Object.entries(wrapped)) expect(Object.keys(entry), key).toEqual(['Value']);
    const unwrapped = Object.fromEntries(Object.entries(wrapped).map(([k, v]) => [k, v.Value]));
    expect(unwrapped).toEqual(EXPECTED_SETTINGS);
    expect(schemaProblems(unwrapped)).toEqual([]);
    expect(typeof wrapped.pollIntervalSeconds?.Value).toBe(
      schemaType('pollIntervalSeconds') === 'integer' ? 'number' : 'string',
    );
  });
});

describe('settings the admin adds', () => {
  it.each([
    [{ pollIntervalSeconds: 5 }, 'pollIntervalSeconds'],
    [{ pollIntervalSeconds: '60' }, 'pollIntervalSeconds'],
    [{ pollIntervalSecs: 60 }, 'unknown managed policy key "pollIntervalSecs"'],
    [{ backendUrl: 'https://elsewhere.example.com' }, 'backendUrl is filled in by policy export'],
    [{ supportUrl: 'http://help.example.com' }, 'supportUrl'],
    [{ localMaxBytesPerWindow: 2 ** 31 }, 'localMaxBytesPerWindow'],
  ])('refuses %j, naming %s', (settings, message) => {
    expect(() => files('chrome-linux', settings)).toThrow(message);
  });

  it('leaves optional keys out unless set', () => {
    const policy = JSON.parse(file('chrome-linux', 'any', {}).text);

    // The keys policy export fills in (the fixture's input has rotated once), nothing more.
    expect(policy['3rdparty'].extensions[ID]).toEqual({ ...REQUIRED, ...ROTATED });
  });
});
