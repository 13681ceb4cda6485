/**
 * Starting the backend: validate the policy file, open and migrate the store, make the
 * secrets and the admin password, build the app, listen, and say where everything is.
 * Returns a handle whose `close()` shuts down gracefully (sockets, then the store).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from './app';
import { ensureAdminPassword, type AdminPasswordSource } from './auth/admin-password';
import { ConfigError, DEFAULTS, type ServeConfig } from './config';
import { setValue } from './db/kv.repository';
import { pruneNonces } from './db/nonces-pruning';
import { openStore, type Store } from './db/open-store';
import { loadExtensionKey } from './extension-key';
import { loadPolicyFile } from './policy/policy-file';
import { applyPolicy, currentPolicy, type ActivePolicy } from './policy/policy-store';
import { startupLines } from './startup-banner';

export const TOR_EXIT_LIST_KEY = 'tor_exit_list_source';

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  store: Store;
  policy: ActivePolicy;
  adminPassword: AdminPasswordSource;
  extensionId: string;
  close(): Promise<void>;
}

export interface ServeIo {
  out(line: string): void;
  env: NodeJS.ProcessEnv;
}

function storeFlags(config: ServeConfig): string {
  if (config.databaseUrl) return ' --database-url <the same database URL>';
  return config.dataDir === resolve(DEFAULTS.dataDir) ? '' : ` --data-dir ${config.dataDir}`;
}

export async function startServer(config: ServeConfig, io: ServeIo): Promise<RunningServer> {
  const policyFromFile = config.policyFile ? await loadPolicyFile(config.policyFile) : undefined;
  if (policyFromFile && !policyFromFile.ok) throw new ConfigError(policyFromFile.error);
  const extensionKey = loadExtensionKey(io.env);

  const store = await openStore({ dataDir: config.dataDir, databaseUrl: config.databaseUrl });
  let app: FastifyInstance | undefined;
  try {
    const now = Date.now();
    const adminPassword = await ensureAdminPassword(store.db, io.env, now);
    // Kept for the tor detector (a later issue), which will load and refresh the list.
    if (config.torExitList) await setValue(store.db, TOR_EXIT_LIST_KEY, config.torExitList, now);
    const policy = policyFromFile?.ok
      ? (await applyPolicy(store.db, policyFromFile.policy, `file:${resolve(config.policyFile!)}`, now)).active
      : await currentPolicy(store.db, now);

    app = await buildApp({
      db: store.db,
      dialect: store.dialect,
      secrets: store.secrets,
      extensionOrigins: config.extensionOrigins ?? [`chrome-extension://${extensionKey.extensionId}`],
      trustProxy: config.trustProxy,
      logger: {
        level: config.logLevel,
        stream: process.stderr,
        redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
      },
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;

    const pruner = setInterval(() => void pruneNonces(store.db, Date.now()).catch(() => undefined), 60_000);
    pruner.unref();

    for (const line of startupLines({
      url,
      adminPassword,
      store,
      policy,
      policyFile: config.policyFile,
      extensionId: extensionKey.extensionId,
      extensionBuilt: existsSync(resolve('.output/chrome-mv3/manifest.json')),
      torExitList: config.torExitList,
      storeFlags: storeFlags(config),
    })) {
      io.out(line);
    }

    const running = app;
    return {
      app: running,
      url,
      port,
      store,
      policy,
      adminPassword,
      extensionId: extensionKey.extensionId,
      async close() {
        clearInterval(pruner);
        await running.close();
        await store.close();
      },
    };
  } catch (error) {
    await app?.close();
    await store.close();
    throw error;
  }
}
