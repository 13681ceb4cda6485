/**
 * Where the package's own files are, whether this code runs from its TypeScript sources
 * (src/server, through tsx) or from the built bundle (dist/server/cli.js): both sit two
 * folders below the package root, so paths from here hold in either (issue #11). Paths
 * do not depend on the working directory, so `npx session-guard` works from anywhere.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Where `npm run build` (WXT) writes the Chromium extension. */
export const BUILT_EXTENSION_DIR = join(PACKAGE_ROOT, '.output', 'chrome-mv3');
