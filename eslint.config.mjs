// ESLint: the architecture as rules (issue #11). Each part of src/ may import only what
// its execution context allows (STYLE.md): shared imports nothing of ours and no Node or
// browser API; the extension and the server never import each other; dashboard views
// never reach into the store. Type-checking stays with tsc (npm run check).
import tseslint from 'typescript-eslint';

const ours = (...parts) => parts.flatMap((p) => [`**/${p}/**`, `@/src/${p}/**`]);
// Each file gets one no-restricted-imports setting (a later block replaces an earlier one's
// options rather than adding to them), so a block lists every rule its files obey.
const rule = (message, patterns) => ({ group: patterns, message });
const restrict = (...rules) => ({ 'no-restricted-imports': ['error', { patterns: rules }] });
const noExtension = rule('the server never imports the extension', ours('extension'));
const noTables = rule('only src/server/db imports the Kysely table files (*.table); import the repository instead', [
  '**/*.table',
]);

export default tseslint.config(
  {
    ignores: ['node_modules/**', '.output/**', '.wxt/**', 'dist/**', 'data/**', 'test-results/**', 'coverage/**'],
  },
  {
    files: ['**/*.{ts,mjs,js}'],
    extends: [tseslint.configs.base],
    rules: {
      'no-debugger': 'error',
      'no-var': 'error',
      eqeqeq: ['error', 'always', { null: 'ignore' }],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: restrict(
      rule('src/shared runs everywhere: it imports nothing of ours outside shared, no node:* and no browser API', [
        ...ours('extension', 'server', 'dashboard'),
        'node:*',
        'wxt',
        'wxt/*',
      ]),
    ),
  },
  {
    files: ['src/extension/**/*.ts', 'entrypoints/**/*.ts'],
    rules: restrict(rule('the extension never imports the server or the dashboard', ours('server', 'dashboard'))),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: restrict(noExtension, noTables),
  },
  {
    files: ['src/server/db/**/*.ts'],
    rules: restrict(noExtension),
  },
  {
    // One way in (issue #11): the admin API and the dashboard routes read and change data
    // only through src/server/admin/ actions, never a repository.
    files: ['src/server/routes/admin-*.ts', 'src/server/routes/dashboard*.ts', 'src/server/routes/slack-connection.ts'],
    rules: restrict(
      noExtension,
      rule('admin API and dashboard routes go through src/server/admin/ actions, never src/server/db', ['**/db/**']),
    ),
  },
  {
    // Views render what an admin action returned (issue #11): they import src/shared and
    // each other, nothing of the server (no store, no actions), and no Node API.
    files: ['src/dashboard/*.ts'],
    ignores: ['src/dashboard/assets.ts'],
    rules: restrict(
      rule('dashboard views import only src/shared and other views; a dashboard route hands them their data', [
        ...ours('extension', 'server'),
        'node:*',
      ]),
    ),
  },
  {
    // The one file that reads the client scripts from disk at start (Node); still nothing of the server.
    files: ['src/dashboard/assets.ts'],
    rules: restrict(rule('dashboard assets read their own files only', ours('extension', 'server'))),
  },
  {
    files: ['test/**/*.ts', 'eval/**/*.ts', 'bench/**/*.ts'],
    rules: restrict(noTables),
  },
);
