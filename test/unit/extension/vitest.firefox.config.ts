/**
 * The extension's unit tests built for Firefox (`import.meta.env.FIREFOX` true, as in
 * `wxt build -b firefox`): `npx vitest run -c test/unit/extension/vitest.firefox.config.ts`.
 * See docs/firefox.md.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  plugins: [WxtVitest({ browser: 'firefox' })],
  test: {
    include: ['test/unit/extension/**/*.test.ts'],
    // WxtVitest defines these for a build, but Vitest's SSR transform does not apply
    // `import.meta.env.*` defines; test.env sets them at run time instead.
    env: { BROWSER: 'firefox', FIREFOX: 'true', CHROME: '', MANIFEST_VERSION: '2' },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
