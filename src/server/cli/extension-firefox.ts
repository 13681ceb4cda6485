/**
 * `session-guard extension pack --browser firefox` (issue 15): zip the Firefox build
 * (`.output/firefox-mv2`), or take an XPI Mozilla already signed (`--xpi FILE`), and
 * publish it so every backend replica serves it at /extension/session-guard.xpi, the
 * `install_url` of `policy export --format firefox`. Prints the gecko id.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { geckoIdFrom } from '../../shared/gecko-id';
import { openStore } from '../db/open-store';
import { packXpi, readXpi } from '../deploy/xpi-package';
import { currentXpi, publishXpi } from '../deploy/xpi-store';
import { PACKAGE_ROOT } from '../package-paths';
import { XPI_PATH } from '../routes/firefox-package';
import type { CliIo } from './io';
import { storeOptions } from './store-flags';

export const BUILT_FIREFOX_DIR = join(PACKAGE_ROOT, '.output', 'firefox-mv2');

export interface FirefoxPackFlags {
  'data-dir'?: string;
  'database-url'?: string;
  'secret-key-file'?: string;
  'extension-dir'?: string;
  xpi?: string;
  out?: string;
}

export async function packFirefox(values: FirefoxPackFlags, io: CliIo, compare: (a: string, b: string) => number) {
  const pkg = values.xpi
    ? readXpi(readFileSync(resolve(values.xpi)), values.xpi)
    : packXpi(resolve(values['extension-dir'] ?? BUILT_FIREFOX_DIR));
  const expected = geckoIdFrom(io.env);
  if (pkg.geckoId !== expected) {
    io.stderr(
      `session-guard extension pack: warning: the package is ${pkg.geckoId}, policy export names ${expected}; set SESSION_GUARD_GECKO_ID to the same id for both.`,
    );
  }
  const store = await openStore(storeOptions(values, io.env));
  try {
    const previous = await currentXpi(store.db);
    if (previous && previous.geckoId === pkg.geckoId && compare(pkg.version, previous.version) < 0) {
      io.stderr(
        `session-guard extension pack: ${pkg.version} is older than the published ${previous.version}; bump the version instead.`,
      );
      return 1;
    }
    await publishXpi(store.db, pkg, Date.now());
  } finally {
    await store.close();
  }
  if (values.out) {
    const dir = resolve(values.out);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'session-guard.xpi'), pkg.xpi);
    io.stdout(`Wrote ${join(dir, 'session-guard.xpi')}`);
  }
  io.stdout(`Packed Session Guard for Firefox ${pkg.version} (${pkg.xpi.length} bytes, sha256 ${pkg.sha256})`);
  io.stdout(`Published: <backend>${XPI_PATH} now serves version ${pkg.version}`);
  io.stdout(`Gecko ID: ${pkg.geckoId}`);
  if (!values.xpi)
    io.stdout(
      'Unsigned: Firefox installs it only where xpinstall.signatures.required is off (ESR, Developer Edition); sign it for production (docs/firefox.md) and publish with --xpi.',
    );
  return 0;
}
