/**
 * `policy export --format macos-mobileconfig`, read back with the `plist` package: a
 * Configuration profile whose payloads set the browser's domain (ExtensionSettings) and
 * the extension's (`<browser domain>.extensions.<id>`: the managed keys, each with the
 * plist element of its managed_schema.json type).
 */
import { spawnSync } from 'node:child_process';
import { parse } from 'plist';
import { assert, describe, expect, it } from 'vitest';
import {
  EXPECTED_SETTINGS,
  FORCE_INSTALL,
  ID,
  SCHEMA_KEYS,
  file,
  files,
  schemaType,
  type SchemaType,
} from './server-deploy-fixture';

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const DOMAINS = { chrome: 'com.google.Chrome', edge: 'com.microsoft.Edge' } as const;
const PLIST_ELEMENT: Record<SchemaType, RegExp> = {
  string: /^<string>/,
  integer: /^<integer>-?\d+<\/integer>$/,
  number: /^<(real|integer)>/,
  boolean: /^<(true|false)\/>$/,
  array: /^<array>/,
  object: /^<dict>/,
};

type Payload = Record<string, unknown>;
const profile = (browser: keyof typeof DOMAINS) => parse(file('macos-mobileconfig', browser).text) as Payload;

/** The XML element that follows `<key>name</key>` inside the extension's payload. */
function elementAfterKey(xml: string, name: string): string {
  const payload = xml.slice(xml.indexOf('.extensions.'));
  const match = payload.match(new RegExp(`<key>${name}</key>\\s*\\n\\s*(.+)`));
  return match?.[1]?.trim() ?? '';
}

describe.each(['chrome', 'edge'] as const)('macos-mobileconfig for %s', (browser) => {
  it('is a Configuration profile with identifiers, UUIDs and a system scope', () => {
    const top = profile(browser);

    expect(top).toMatchObject({ PayloadType: 'Configuration', PayloadVersion: 1, PayloadScope: 'System' });
    expect(top.PayloadIdentifier).toBe(`org.sessionguard.${browser}.${ID}`);
    const payloads = top.PayloadContent as Payload[];
    expect(payloads).toHaveLength(2);
    const uuids = [top.PayloadUUID, ...payloads.map((p) => p.PayloadUUID)];
    for (const uuid of uuids) expect(uuid).toMatch(UUID);
    expect(new Set(uuids).size).toBe(3);
    for (const p of payloads) {
      expect(p).toMatchObject({ PayloadVersion: 1, PayloadEnabled: true });
      expect(String(p.PayloadIdentifier)).toMatch(
        new RegExp(`^${String(top.PayloadIdentifier).replace(/\./g, '\\.')}\\.`),
      );
      expect(typeof p.PayloadDisplayName).toBe('string');
    }
  });

  it('force-installs the extension through the browser’s own domain', () => {
    const [browserPayload] = profile(browser).PayloadContent as Payload[];
    assert(browserPayload);

    expect(browserPayload.PayloadType).toBe(DOMAINS[browser]);
    expect(browserPayload.ExtensionSettings).toEqual(FORCE_INSTALL);
  });

  it('gives the extension every managed key, each with the plist type of its schema type', () => {
    const xml = file('macos-mobileconfig', browser).text;
    const [, extensionPayload] = profile(browser).PayloadContent as Payload[];
    assert(extensionPayload);

    expect(extensionPayload.PayloadType).toBe(`${DOMAINS[browser]}.extensions.${ID}`);
    const settings = Object.fromEntries(Object.entries(extensionPayload).filter(([k]) => !k.startsWith('Payload')));
    expect(settings).toEqual(EXPECTED_SETTINGS);
    for (const key of SCHEMA_KEYS) expect(elementAfterKey(xml, key), key).toMatch(PLIST_ELEMENT[schemaType(key)]);
  });
});

// A second, strict reader: Python's plistlib (expat), which also keeps integer and real apart.
const PLISTLIB = `
import json, plistlib, sys
profile = plistlib.loads(sys.stdin.buffer.read())
payload = profile["PayloadContent"][1]
print(json.dumps({k: type(v).__name__ for k, v in payload.items() if not k.startswith("Payload")}))
`;
const hasPython = spawnSync('python3', ['-c', 'import plistlib'], { stdio: 'ignore' }).status === 0;
const PYTHON_TYPE: Record<SchemaType, string> = {
  string: 'str',
  integer: 'int',
  number: 'float',
  boolean: 'bool',
  array: 'list',
  object: 'dict',
};

describe('macos-mobileconfig files', () => {
  it.skipIf(!hasPython)('are read by Python’s strict plistlib with each key’s schema type', () => {
    const result = spawnSync('python3', ['-c', PLISTLIB], { input: file('macos-mobileconfig').text, encoding: 'utf8' });

    expect(result.stderr).toBe('');
    const types = JSON.parse(result.stdout) as Record<string, string>;
    expect(Object.keys(types).sort()).toEqual(SCHEMA_KEYS);
    for (const key of SCHEMA_KEYS) expect(types[key], key).toBe(PYTHON_TYPE[schemaType(key)]);
  });

  it('are one per browser, the same bytes every time (a re-deployed profile replaces the old one)', () => {
    const first = files('macos-mobileconfig');

    expect(first.map((f) => f.name)).toEqual(['session-guard-chrome.mobileconfig', 'session-guard-edge.mobileconfig']);
    expect(files('macos-mobileconfig').map((f) => f.text)).toEqual(first.map((f) => f.text));
  });

  it('escape XML in strings', () => {
    const contact = 'Security <security@example.com> & desk';

    const [, extensionPayload] = (
      parse(file('macos-mobileconfig', 'chrome', { supportContact: contact }).text) as Payload
    ).PayloadContent as Payload[];
    assert(extensionPayload);

    expect(extensionPayload.supportContact).toBe(contact);
  });
});
