/**
 * `session-guard extension pack`: sign the built extension as a CRX3 with the org's key
 * (`--key FILE`, else SESSION_GUARD_EXTENSION_KEY, else the development key), publish it
 * to the store so every backend replica serves it at /extension/session-guard.crx and
 * offers its version in /extension/updates.xml, and print the extension ID. Signing with
 * the development key for a backend not on loopback (`--backend-url`) warns loudly.
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../db/open-store';
import { devKeyWarning } from '../deploy/dev-key-warning';
import { packExtension } from '../deploy/extension-package';
import { currentPackage, publishPackage } from '../deploy/package-store';
import { extensionIdFromSpki, loadExtensionKey } from '../extension-key';
import { BUILT_EXTENSION_DIR } from '../package-paths';
import { UPDATE_MANIFEST_PATH } from '../routes/extension-updates';
import { packFirefox } from './extension-firefox';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = {
  key: { type: 'string' },
  'extension-dir': { type: 'string' },
  out: { type: 'string' },
  'backend-url': { type: 'string' },
  browser: { type: 'string' },
  xpi: { type: 'string' },
  ...STORE_OPTIONS,
} as const;

export const DEFAULT_EXTENSION_DIR = BUILT_EXTENSION_DIR;

/** Orders two extension versions (dot-separated integers) like Chromium's base::Version. */
export function compareVersions(a: string, b: string): number {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const diff = (x[i] ?? 0) - (y[i] ?? 0);
    if (diff !== 0) return Math.sign(diff);
  }
  return 0;
}

function signingKey(file: string | undefined, io: CliIo) {
  if (!file) return loadExtensionKey(io.env).privateKey;
  const key = createPrivateKey(readFileSync(file, 'utf8'));
  const fileId = extensionIdFromSpki(createPublicKey(key).export({ type: 'spki', format: 'der' }));
  const configured = loadExtensionKey(io.env);
  if (configured.extensionId !== fileId) {
    io.stderr(
      `session-guard extension pack: warning: serve and policy export take the extension ID from ` +
        `SESSION_GUARD_EXTENSION_KEY (now ${configured.source}, ${configured.extensionId}); set it to ${file} for them too.`,
    );
  }
  return key;
}

async function packCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  if (values.browser === 'firefox') return packFirefox(values, io, compareVersions);
  if (values.browser !== undefined && values.browser !== 'chromium')
    throw new UsageError('--browser must be chromium (default) or firefox');
  if (values.xpi) throw new UsageError('--xpi goes with --browser firefox');
  const pkg = packExtension(resolve(values['extension-dir'] ?? DEFAULT_EXTENSION_DIR), signingKey(values.key, io));
  const development = pkg.extensionId === loadExtensionKey({}).extensionId;
  const warning = devKeyWarning({ source: development ? 'development' : 'environment' }, values['backend-url']);
  if (warning) io.stderr(`session-guard extension pack: ${warning}`);

  const store = await openStore(storeOptions(values, io.env));
  try {
    const previous = await currentPackage(store.db);
    if (previous && previous.extensionId === pkg.extensionId && compareVersions(pkg.version, previous.version) < 0) {
      io.stderr(
        `session-guard extension pack: ${pkg.version} is older than the published ${previous.version}; browsers never downgrade. Bump the version instead.`,
      );
      return 1;
    }
    if (
      previous &&
      previous.extensionId === pkg.extensionId &&
      previous.version === pkg.version &&
      previous.sha256 !== pkg.sha256
    ) {
      io.stderr(
        `session-guard extension pack: warning: ${pkg.version} is already published; browsers that have it will not fetch this build. Bump the version to roll it out.`,
      );
    }
    await publishPackage(store.db, pkg, Date.now());
  } finally {
    await store.close();
  }
  if (values.out) {
    const dir = resolve(values.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'session-guard.crx'), pkg.crx);
    io.stdout(`Wrote ${join(dir, 'session-guard.crx')}`);
  }
  io.stdout(`Packed Session Guard ${pkg.version} (${pkg.crx.length} bytes, sha256 ${pkg.sha256})`);
  io.stdout(`Published: <backend>${UPDATE_MANIFEST_PATH} now offers version ${pkg.version}`);
  io.stdout(`Extension ID: ${pkg.extensionId}`);
  return 0;
}

export async function extensionCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'pack')
    throw new UsageError(sub ? `unknown extension command "${sub}"` : 'extension needs a subcommand: pack');
  return packCommand(rest, io);
}
