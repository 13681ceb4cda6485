/**
 * What `serve` prints once it listens. The first line's format is a contract the e2e
 * harness and humans rely on: `Session Guard listening on http://HOST:PORT` (real port).
 */
import type { AdminPasswordSource } from './auth/admin-password';
import type { OpenDatabase } from './db/database';
import type { ActivePolicy } from './policy/policy-store';

export interface BannerInput {
  url: string;
  adminPassword: AdminPasswordSource;
  store: Pick<OpenDatabase, 'dialect' | 'location'>;
  policy: ActivePolicy;
  policyFile?: string;
  extensionId: string;
  extensionBuilt: boolean;
  /** How the Tor exit list stands (tor/summary.ts), when one is configured. */
  torExitList?: string;
  /** How the IP-to-ASN data set stands (asn/summary.ts), when one is configured. */
  asnData?: string;
  /** Extra flags `policy export` needs to find the same store, e.g. ` --data-dir /srv/sg`. */
  storeFlags?: string;
  /** The package browsers install (deploy/publish-built.ts). */
  extensionPackage?: string;
  /** Said last, so they are the last thing on the screen (the development key outside loopback). */
  warnings?: string[];
}

function passwordLine(source: AdminPasswordSource): string {
  switch (source.source) {
    case 'generated':
      return `Admin password (shown once): ${source.password}`;
    case 'env':
      return 'Admin password: from SESSION_GUARD_ADMIN_PASSWORD';
    case 'stored':
      return 'Admin password: set on an earlier start (set SESSION_GUARD_ADMIN_PASSWORD to replace it)';
  }
}

export function startupLines(input: BannerInput): string[] {
  const db =
    input.store.dialect === 'sqlite' ? `SQLite at ${input.store.location}` : `PostgreSQL at ${input.store.location}`;
  const from = input.policyFile ? ` from ${input.policyFile}` : '';
  const lines = [
    `Session Guard listening on ${input.url}`,
    `Dashboard: ${input.url}/`,
    passwordLine(input.adminPassword),
    `Database: ${db}`,
    `Org policy: version ${input.policy.version} (${input.policy.policy.mode} mode)${from}`,
    input.extensionBuilt
      ? `Extension: built in .output/chrome-mv3/ (ID ${input.extensionId})`
      : `Extension: not built yet; \`npm run build\` writes it to .output/chrome-mv3/ (ID ${input.extensionId})`,
    `Managed policy: npx session-guard policy export --format chrome-linux --backend-url ${input.url}${input.storeFlags ?? ''}`,
  ];
  if (input.extensionPackage) lines.push(input.extensionPackage);
  if (input.torExitList) lines.push(`Tor exit list: ${input.torExitList}`);
  if (input.asnData) lines.push(`IP-to-ASN data: ${input.asnData}`);
  for (const warning of input.warnings ?? []) lines.push('', `!!! ${warning}`, '');
  return lines;
}
