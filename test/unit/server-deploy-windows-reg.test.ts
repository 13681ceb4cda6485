/**
 * `policy export --format windows-reg`, read back by a reader that follows regedit's
 * grammar: ExtensionSettings as REG_SZ JSON, and each managed key under
 * `3rdparty\extensions\<id>\policy` with the registry type its managed_schema.json type
 * maps to (Chromium converts registry values by the schema: strings REG_SZ, integers and
 * booleans REG_DWORD).
 */
import { assert, describe, expect, it } from 'vitest';
import { exportManagedPolicy } from '../../src/server/policy/managed-policy-export';
import {
  EXPECTED_SETTINGS,
  FORCE_INSTALL,
  ID,
  SCHEMA_KEYS,
  file,
  files,
  input,
  schemaType,
  type SchemaType,
} from './server-deploy-fixture';
import { readRegFile } from './server-deploy-reg-reader';

const ROOTS = {
  chrome: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Google\\Chrome',
  edge: 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\Microsoft\\Edge',
} as const;
const REG_TYPE: Record<SchemaType, string> = {
  string: 'REG_SZ',
  integer: 'REG_DWORD',
  boolean: 'REG_DWORD',
  number: 'REG_SZ',
  object: 'REG_SZ',
  array: 'subkey',
};
const policyKey = (browser: keyof typeof ROOTS) => `${ROOTS[browser]}\\3rdparty\\extensions\\${ID}\\policy`;

describe.each(['chrome', 'edge'] as const)('windows-reg for %s', (browser) => {
  it('sets ExtensionSettings as REG_SZ JSON that force-installs the extension', () => {
    const registry = readRegFile(file('windows-reg', browser).bytes);

    const setting = registry.get(ROOTS[browser])?.get('ExtensionSettings');
    expect(setting?.type).toBe('REG_SZ');
    expect(JSON.parse(setting!.value as string)).toEqual(FORCE_INSTALL);
  });

  it('writes every managed key with the registry type of its schema type', () => {
    const registry = readRegFile(file('windows-reg', browser).bytes);
    const values = registry.get(policyKey(browser))!;

    for (const name of SCHEMA_KEYS) {
      const type = schemaType(name);
      const expected = EXPECTED_SETTINGS[name];
      if (REG_TYPE[type] === 'subkey') {
        expect(
          [...registry.get(`${policyKey(browser)}\\${name}`)!.values()].map((v) => v.value),
          name,
        ).toEqual(expected);
        continue;
      }
      const value = values.get(name);
      expect(value?.type, name).toBe(REG_TYPE[type]);
      if (type === 'boolean') expect(value?.value, name).toBe(expected ? 1 : 0);
      else if (type === 'object') expect(JSON.parse(value?.value as string), name).toEqual(expected);
      else if (type === 'number') expect(Number(value?.value), name).toBe(expected);
      else expect(value?.value, name).toBe(expected);
    }
    expect([...values.keys()].sort()).toEqual(SCHEMA_KEYS.filter((k) => REG_TYPE[schemaType(k)] !== 'subkey'));
  });

  it('deletes the extension’s policy key first, so keys dropped from the policy do not linger', () => {
    const registry = readRegFile(file('windows-reg', browser).bytes);

    expect(registry.deleted).toEqual([policyKey(browser)]);
  });
});

describe('windows-reg files', () => {
  it('are one per browser, written as regedit does (UTF-16LE with a BOM, CRLF)', () => {
    const [chrome, edge] = files('windows-reg');
    assert(chrome && edge);

    expect([chrome.name, edge.name]).toEqual(['session-guard-chrome.reg', 'session-guard-edge.reg']);
    expect([...chrome.bytes.subarray(0, 2)]).toEqual([0xff, 0xfe]);
    expect(chrome.bytes.subarray(2).toString('utf16le')).toBe(chrome.text);
    expect(chrome.text.split('\r\n')[0]).toBe('Windows Registry Editor Version 5.00');
    expect(chrome.text.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('read the same as plain text (what stdout prints)', () => {
    const exported = file('windows-reg');
    const [fromText, fromFile] = [readRegFile(exported.text), readRegFile(exported.bytes)];

    expect(fromText.keys).toEqual(fromFile.keys);
    expect(fromText.deleted).toEqual(fromFile.deleted);
  });

  it('keep quotes, backslashes and line breaks in strings intact', () => {
    const contact = 'Call "Security"\\Desk\r\nor ext. 4242';

    const [chrome] = exportManagedPolicy('windows-reg', input({ supportContact: contact }));
    assert(chrome);

    expect(readRegFile(chrome.bytes).get(policyKey('chrome'))?.get('supportContact')).toEqual({
      type: 'REG_SZ',
      value: contact,
    });
  });
});

describe('the .reg reader itself', () => {
  it.each([
    ['REGEDIT4\r\n', 'line 1'],
    ['Windows Registry Editor Version 5.00\r\n"a"="b"\r\n', 'outside any [key]'],
    ['Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"a"=dword:1\r\n', 'unknown value data'],
    ['Windows Registry Editor Version 5.00\r\n[HKEY_LOCAL_MACHINE\\X]\r\n"a"="b\r\n', 'unterminated'],
    ['Windows Registry Editor Version 5.00\r\n[HKLM\\X]\r\n', 'not a registry key path'],
  ])('refuses %j (%s)', (text, message) => {
    expect(() => readRegFile(text)).toThrow(message);
  });

  it('reads hex data continued over lines', () => {
    const text =
      'Windows Registry Editor Version 5.00\r\n[HKEY_CURRENT_USER\\X]\r\n"s"=hex(1):68,00,\\\r\n  69,00,00,00\r\n"d"=dword:0000002a\r\n';

    expect(Object.fromEntries(readRegFile(text).get('HKEY_CURRENT_USER\\X')!)).toEqual({
      s: { type: 'REG_SZ', value: 'hi' },
      d: { type: 'REG_DWORD', value: 42 },
    });
  });
});
