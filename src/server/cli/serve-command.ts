/** `session-guard serve`: start, print where things are, stop cleanly on SIGINT/SIGTERM. */
import { parseArgs } from 'node:util';
import { ConfigError, resolveServeConfig } from '../config';
import { startServer } from '../serve';
import type { CliIo } from './io';

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  policy: { type: 'string' },
  'tor-exit-list': { type: 'string' },
  'asn-data': { type: 'string' },
  'extension-dir': { type: 'string' },
  'extension-origin': { type: 'string', multiple: true },
  'slack-api-url': { type: 'string' },
  'slack-audit-url': { type: 'string' },
  'secret-key-file': { type: 'string' },
  'enrollment-rate-per-address': { type: 'string' },
  'enrollment-rate-total': { type: 'string' },
  'max-devices': { type: 'string' },
  'enrollment-approval': { type: 'boolean' },
  'max-streams': { type: 'string' },
  'max-streams-per-device': { type: 'string' },
  'max-pending-streams': { type: 'string' },
  'public-metrics': { type: 'boolean' },
  'allow-private-webhooks': { type: 'boolean' },
  'slack-client-id': { type: 'string' },
  'slack-client-secret-file': { type: 'string' },
  'slack-oidc-url': { type: 'string' },
  'slack-team': { type: 'string', multiple: true },
  'public-url': { type: 'string' },
} as const;

export async function serveCommand(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: OPTIONS, strict: true, allowPositionals: false });
  let server;
  try {
    server = await startServer(resolveServeConfig(values, io.env), { out: io.stdout, err: io.stderr, env: io.env });
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`session-guard serve: ${error.message}`);
      return 1;
    }
    io.stderr(`session-guard serve: could not start: ${(error as Error).message}`);
    return 1;
  }
  const signal = await io.waitForShutdown();
  io.stderr(`Received ${signal}, shutting down…`);
  await server.close();
  return 0;
}
