// ESLint: the architecture as rules (issue #11). Each part of src/ may import only what
// its execution context allows (STYLE.md): shared imports nothing of ours and no Node or
// browser API; the extension and the server never import each other; dashboard views
// never reach into the store. Type-checking stays with tsc (npm run check).
import tseslint from 'typescript-eslint';

const ours = (...parts) => parts.flatMap((p) => [`**/${p}/**`, `@/src/${p}/**`]);
const restrict = (message, patterns) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

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
      'src/shared runs everywhere: it imports nothing of ours outside shared, no node:* and no browser API',
      [...ours('extension', 'server', 'dashboard'), 'node:*', 'wxt', 'wxt/*'],
    ),
  },
  {
    files: ['src/extension/**/*.ts', 'entrypoints/**/*.ts'],
    rules: restrict('the extension never imports the server or the dashboard', ours('server', 'dashboard')),
  },
  {
    files: ['src/server/**/*.ts'],
    rules: restrict('the server never imports the extension', ours('extension')),
  },
  {
    files: ['src/dashboard/**/*.ts'],
    rules: restrict('dashboard views get their data from the admin actions, never from the store or the extension', [
      ...ours('extension'),
      '**/server/db/**',
    ]),
  },
);
