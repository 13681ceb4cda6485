/**
 * A `.reg` file for Chrome or Edge on Windows (Group Policy preferences, Intune, or
 * `reg import`): `ExtensionSettings` as a REG_SZ holding JSON, and the extension's own
 * policy under `3rdparty\extensions\<id>\policy` with the types Chromium maps to the
 * managed schema (strings REG_SZ, integers and booleans REG_DWORD). The extension's key
 * is deleted first so keys dropped from the policy do not linger. Grammar as regedit
 * writes it: https://support.microsoft.com/help/310516
 */
import { BROWSERS, extensionSettings, MAX_POLICY_INTEGER, type Browser, type DeployPolicy } from './deploy-policy';

const HKLM = 'HKEY_LOCAL_MACHINE';

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** REG_SZ that cannot be written as a quoted string (line breaks): UTF-16LE bytes. */
function hexString(text: string): string {
  const bytes = [...Buffer.from(`${text}\0`, 'utf16le')].map((b) => b.toString(16).padStart(2, '0'));
  return `hex(1):${bytes.join(',')}`;
}

function regData(name: string, value: unknown): string {
  if (typeof value === 'string') return /[\0-\x1f]/.test(value) ? hexString(value) : quote(value);
  if (typeof value === 'boolean') return `dword:${value ? '00000001' : '00000000'}`;
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (value < 0 || value > MAX_POLICY_INTEGER)
      throw new Error(`${name}: ${value} does not fit a policy REG_DWORD (0-${MAX_POLICY_INTEGER})`);
    return `dword:${value.toString(16).padStart(8, '0')}`;
  }
  if (typeof value === 'number') return quote(String(value));
  return quote(JSON.stringify(value)); // Chromium parses JSON strings for dictionary policies
}

/** The sections that hold one extension's settings; lists become numbered subkeys as Chromium reads them. */
function extensionSections(key: string, settings: Record<string, unknown>): string[] {
  const values: string[] = [];
  const lists: string[] = [];
  for (const [name, value] of Object.entries(settings)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      lists.push(
        '',
        `[${key}\\${name}]`,
        ...value.map((item, i) => `${quote(String(i + 1))}=${regData(`${name}.${i}`, item)}`),
      );
    } else {
      values.push(`${quote(name)}=${regData(name, value)}`);
    }
  }
  return [`[${key}]`, ...values, ...lists];
}

export function windowsReg(policy: DeployPolicy, browser: Browser): string {
  const root = `${HKLM}\\${BROWSERS[browser].registryKey}`;
  const extensionKey = `${root}\\3rdparty\\extensions\\${policy.extensionId}\\policy`;
  const lines = [
    'Windows Registry Editor Version 5.00',
    '',
    `; Session Guard for ${BROWSERS[browser].name}: force-install the extension and give it its settings.`,
    '; ExtensionSettings replaces any value already there: if you manage other extensions with it, merge this entry into yours.',
    `[${root}]`,
    `${quote('ExtensionSettings')}=${quote(JSON.stringify(extensionSettings(policy)))}`,
    '',
    `[-${extensionKey}]`,
    '',
    ...extensionSections(extensionKey, policy.settings),
    '',
  ];
  return lines.join('\r\n');
}

/** Bytes as regedit itself writes a version 5 file: UTF-16LE with a byte-order mark. */
export function regFileBytes(text: string): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}
