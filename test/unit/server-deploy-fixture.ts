/**
 * Shared input for the export tests: the extension's managed_schema.json, a policy that
 * sets every key it declares (values derived from each key's schema type), and helpers
 * to export it in each format.
 */
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadExtensionKey } from '../../src/server/extension-key';
import {
  exportManagedPolicy,
  type ExportFile,
  type ExportFormat,
  type ManagedPolicyInput,
} from '../../src/server/policy/managed-policy-export';

export type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'array' | 'object';
export const SCHEMA = JSON.parse(
  readFileSync(new URL('../../public/managed_schema.json', import.meta.url), 'utf8'),
) as {
  properties: Record<string, { type: SchemaType }>;
};
export const SCHEMA_KEYS = Object.keys(SCHEMA.properties).sort();
export const schemaType = (key: string): SchemaType => SCHEMA.properties[key]!.type;

/** A valid value for every schema type (each current key's zod bounds accept it). */
const SAMPLE: Record<SchemaType, unknown> = {
  string: 'https://help.example.com/session-guard',
  integer: 60,
  number: 1.5,
  boolean: true,
  array: ['one', 'two'],
  object: { nested: 'value' },
};

export const ID = loadExtensionKey({}).extensionId;
const verdictKey = () =>
  generateKeyPairSync('ec', { namedCurve: 'P-256' })
    .publicKey.export({ type: 'spki', format: 'der' })
    .toString('base64');
const VERDICT_KEY = verdictKey();
export const REQUIRED = {
  backendUrl: 'https://guard.example.com',
  enrollmentToken: 'enroll_0123456789abcdef0123',
  verdictPublicKey: VERDICT_KEY,
};
/** Filled in by policy export too, after a key rotation: the new key and the previous one. */
export const ROTATED = { verdictPublicKeys: [VERDICT_KEY, verdictKey()] };
/** Every optional key the schema declares, with a value of its schema type. */
export const EVERY_KEY: Record<string, unknown> = Object.fromEntries(
  SCHEMA_KEYS.filter((k) => !(k in REQUIRED) && !(k in ROTATED)).map((k) => [k, SAMPLE[schemaType(k)]]),
);
export const EXPECTED_SETTINGS: Record<string, unknown> = { ...EVERY_KEY, ...REQUIRED, ...ROTATED };
export const FORCE_INSTALL = {
  [ID]: {
    installation_mode: 'force_installed',
    update_url: 'https://guard.example.com/extension/updates.xml',
    override_update_url: true,
  },
};

export const input = (settings: Record<string, unknown> = EVERY_KEY): ManagedPolicyInput => ({
  extensionId: ID,
  ...REQUIRED,
  ...ROTATED,
  settings,
});
export const files = (format: ExportFormat, settings?: Record<string, unknown>): ExportFile[] =>
  exportManagedPolicy(format, input(settings));
export const file = (format: ExportFormat, browser = 'chrome', settings?: Record<string, unknown>): ExportFile =>
  files(format, settings).find((f) => f.browser === browser || f.browser === 'any')!;

/** What Chromium's schema validation checks for an extension policy: known keys, JSON types. */
export function schemaProblems(settings: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(settings)) {
    const type = SCHEMA.properties[key]?.type;
    if (!type) problems.push(`${key}: not in managed_schema.json`);
    else if (!matchesType(value, type)) problems.push(`${key}: ${JSON.stringify(value)} is not ${type}`);
  }
  return problems;
}

function matchesType(value: unknown, type: SchemaType): boolean {
  if (type === 'integer') return Number.isInteger(value);
  if (type === 'array') return Array.isArray(value);
  if (type === 'object') return typeof value === 'object' && value !== null && !Array.isArray(value);
  return typeof value === type;
}
