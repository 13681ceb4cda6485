/**
 * `session-guard policy export`: the managed policy for browsers, filled in from the
 * store's secrets. One file goes to stdout (`--browser` picks Chrome's or Edge's where a
 * format has one each); `--out DIR` writes every file of the format instead.
 */
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { backendUrlProblem } from '../../shared/policy/backend-url';
import { openStore } from '../db/open-store';
import { BROWSER_NAMES, PolicyInputError, type Browser } from '../deploy/deploy-policy';
import { currentPackage } from '../deploy/package-store';
import { devKeyWarning } from '../deploy/dev-key-warning';
import { loadExtensionKey } from '../extension-key';
import { geckoIdFrom } from '../../shared/gecko-id';
import { EXPORT_FORMATS, exportManagedPolicy, type ExportFormat } from '../policy/managed-policy-export';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = {
  format: { type: 'string' },
  'backend-url': { type: 'string' },
  browser: { type: 'string' },
  out: { type: 'string' },
  settings: { type: 'string' },
  'update-url': { type: 'string' },
  ...STORE_OPTIONS,
} as const;

const HTTP_URL = /^https?:\/\/[^/\s]+/;

function readSettings(file: string | undefined): Record<string, unknown> | undefined {
  if (!file) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UsageError(`--settings ${file}: ${(error as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new UsageError(`--settings ${file}: must hold a JSON object`);
  return parsed as Record<string, unknown>;
}

export async function policyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export')
    throw new UsageError(sub ? `unknown policy command "${sub}"` : 'policy needs a subcommand: export');
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const format = values.format;
  if (!format) throw new UsageError(`policy export needs --format (${EXPORT_FORMATS.join(', ')})`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}"; formats: ${EXPORT_FORMATS.join(', ')}`);
  }
  const browser = (values.browser ?? 'chrome') as Browser;
  if (!BROWSER_NAMES.includes(browser)) throw new UsageError(`--browser must be one of ${BROWSER_NAMES.join(', ')}`);
  const backendUrl = (values['backend-url'] ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  if (!HTTP_URL.test(backendUrl)) throw new UsageError('--backend-url must be an http(s) URL');
  // Browsers would refuse it (issue #10): say so here rather than in every popup.
  const urlProblem = backendUrlProblem(backendUrl);
  if (urlProblem) throw new UsageError(`--backend-url: ${urlProblem}`);
  const updateUrl = values['update-url'];
  if (updateUrl !== undefined && !HTTP_URL.test(updateUrl)) throw new UsageError('--update-url must be an http(s) URL');
  const settings = readSettings(values.settings);

  const extensionKey = loadExtensionKey(io.env);
  const extensionId = extensionKey.extensionId;
  const devKey = devKeyWarning(extensionKey, backendUrl);
  if (devKey) io.stderr(`session-guard policy export: ${devKey}`);
  const store = await openStore(storeOptions(values, io.env));
  try {
    const published = await currentPackage(store.db);
    if (published && published.extensionId !== extensionId) {
      io.stderr(
        `session-guard policy export: warning: the published package is extension ${published.extensionId}, this policy names ${extensionId}; ` +
          'set SESSION_GUARD_EXTENSION_KEY to the key you packed with.',
      );
    }
    const verdictKeys = store.secrets.verdictKeys.published;
    const files = exportManagedPolicy(format as ExportFormat, {
      extensionId,
      geckoId: geckoIdFrom(io.env),
      backendUrl,
      updateUrl,
      settings,
      enrollmentToken: store.secrets.enrollmentToken,
      verdictPublicKey: store.secrets.verdictKeys.publicSpki,
      // Old and new key after `verdict-key rotate`, so devices accept both while this rolls out.
      ...(verdictKeys.length > 1 ? { verdictPublicKeys: verdictKeys.map((k) => k.publicSpki) } : {}),
    });
    if (values.out) {
      const dir = resolve(values.out);
      mkdirSync(dir, { recursive: true });
      for (const file of files) {
        writeFileSync(join(dir, file.name), file.bytes);
        chmodSync(join(dir, file.name), 0o600); // it holds the enrollment token
        io.stdout(join(dir, file.name));
      }
      return 0;
    }
    const chosen = files.find((f) => f.browser === browser || f.browser === 'any');
    if (!chosen) throw new UsageError(`--format ${format} has no ${browser} form`);
    io.stdout(chosen.text);
    return 0;
  } catch (error) {
    if (error instanceof PolicyInputError) throw new UsageError(error.message);
    throw error;
  } finally {
    await store.close();
  }
}
