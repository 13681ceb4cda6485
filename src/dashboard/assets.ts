/**
 * The dashboard's static files: its stylesheet and its few same-origin scripts
 * (src/dashboard/client/*.js, plain ES modules checked by tsc with `// @ts-check`). Read
 * once at start; served by name only, so no path from a request reaches the file system.
 */
import { readFileSync } from 'node:fs';
import { DASHBOARD_CSS } from './styles';

const SCRIPTS = ['format.js', 'live.js', 'confirm.js', 'policy-editor.js', 'policy-form.js'] as const;

export interface Asset {
  type: string;
  body: string;
}

export const ASSETS: ReadonlyMap<string, Asset> = new Map([
  ...SCRIPTS.map((name): [string, Asset] => [
    name,
    {
      type: 'text/javascript; charset=utf-8',
      body: readFileSync(new URL(`./client/${name}`, import.meta.url), 'utf8'),
    },
  ]),
]);

export const STYLESHEET: Asset = { type: 'text/css; charset=utf-8', body: DASHBOARD_CSS };
