/**
 * Starting the backend: validate the policy file, open and migrate the store, make the
 * secrets and the admin password, build the app, listen, and say where everything is.
 * With nothing configured it still works end to end (issue #11): the Tor exit list comes
 * from the Tor Project in the background, and the built extension is published when the
 * store has no package; the development key outside loopback is said loudly.
 * Returns a handle whose `close()` shuts down gracefully (sockets, then the store).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_DETECTION_JOBS } from './detection/detection-jobs';
import { buildApp } from './app';
import { ensureAdminPassword, type AdminPasswordSource } from './auth/admin-password';
import { devKeyWarning } from './deploy/dev-key-warning';
import { describeAutoPublish, publishBuiltExtension } from './deploy/publish-built';
import { ConfigError, DEFAULTS, type ServeConfig } from './config';
import { setValue } from './db/kv.repository';
import { openStore, type Store } from './db/open-store';
import { loadExtensionKey } from './extension-key';
import { loadPolicyFile } from './policy/policy-file';
import { applyPolicy, currentPolicy, type ActivePolicy } from './policy/policy-store';
import { startupLines } from './startup-banner';
import { createPostgresHub, type PostgresHub } from './verdicts/postgres-hub';
import { createTorExitList, type TorExitList } from './tor/exit-list';
import { isUrl } from './tor/exit-list-source';
import { lastGoodPath } from './tor/last-good';
import { describeTorList, torListSummary } from './tor/summary';
import type { AsnData } from './asn/asn-data';
import { startAsnData } from './asn/start-asn-data';
import { asnDataSummary, describeAsnData } from './asn/summary';
import { lazySecretKey, loadSecretKey, SecretKeyError } from './slack/secret-key';
import { createSlackService, type SlackService } from './slack/service';
import { createEnrollmentControls } from './enrollment/controls';
import { createStreamLimits } from './verdicts/stream-limits';
import { VerdictKeyError } from './verdicts/key-seal';
import { createIdentityVerifier } from './identity/slack-oidc';
import { identityStatusLine, recordIdentityStatus } from './identity/status';
import { createSsfService } from './ssf/service';

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
  /** Warnings also go here (stderr), besides the banner. */
  err?(line: string): void;
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

  const keyOptions = { env: io.env, keyFile: config.slack.secretKeyFile, dataDir: config.dataDir };
  // A key given by environment or file is checked now; the data-dir default is made on first use.
  if (io.env.SESSION_GUARD_SECRET_KEY || config.slack.secretKeyFile || io.env.SESSION_GUARD_SECRET_KEY_FILE) {
    try {
      loadSecretKey(keyOptions);
    } catch (error) {
      if (error instanceof SecretKeyError) throw new ConfigError(error.message);
      throw error;
    }
  }

  const store = await openStore({
    dataDir: config.dataDir,
    databaseUrl: config.databaseUrl,
    env: io.env,
    secretKeyFile: config.slack.secretKeyFile,
  }).catch((error: unknown) => {
    // A replica whose secret key cannot unseal the verdict keys must not start (issue #10).
    throw error instanceof VerdictKeyError || error instanceof SecretKeyError ? new ConfigError(error.message) : error;
  });
  let app: FastifyInstance | undefined;
  let torList: TorExitList | null = null;
  let asnData: AsnData | null = null;
  let hub: PostgresHub | null = null;
  try {
    const now = Date.now();
    const adminPassword = await ensureAdminPassword(store.db, io.env, now);
    // Recorded so every replica and the dashboard can name the configured source.
    if (config.torExitList) await setValue(store.db, TOR_EXIT_LIST_KEY, config.torExitList, now);
    torList = config.torExitList
      ? createTorExitList({
          source: config.torExitList,
          refreshSeconds: config.torRefreshSeconds,
          staleAfterSeconds: config.torStaleAfterSeconds,
          // A URL is fetched in the background, its last good copy kept in the data dir.
          ...(isUrl(config.torExitList) ? { lastGoodFile: lastGoodPath(config.dataDir), background: true } : {}),
          log: { info: (o, m) => app?.log.info(o, m), warn: (o, m) => app?.log.warn(o, m) },
        })
      : null;
    await torList?.start();
    asnData = await startAsnData(config.asnData, io.env, {
      info: (o, m) => app?.log.info(o, m),
      warn: (o, m) => app?.log.warn(o, m),
    });
    const policy = policyFromFile?.ok
      ? (await applyPolicy(store.db, policyFromFile.policy, `file:${resolve(config.policyFile!)}`, now)).active
      : await currentPolicy(store.db, now);

    // Replicas sharing PostgreSQL hand verdicts to each other's sockets (LISTEN/NOTIFY).
    hub = config.databaseUrl && store.dialect === 'postgres' ? createPostgresHub({ url: config.databaseUrl }) : null;
    await hub?.ready;
    const published = await publishBuiltExtension(store.db, config.extensionDir, extensionKey, now);
    const devSigned =
      'pkg' in published
        ? published.pkg.extensionId === loadExtensionKey({}).extensionId
        : extensionKey.source === 'development';
    const devKey = devSigned ? devKeyWarning({ source: 'development' }, config.host) : null;
    if (devKey) io.err?.(`session-guard serve: ${devKey}`);
    const slack: SlackService = createSlackService({
      db: store.db,
      config: config.slack,
      key: lazySecretKey(keyOptions),
    });
    await recordIdentityStatus(store.db, config.identity, now);
    app = await buildApp({
      identity: config.identity ? createIdentityVerifier(config.identity) : null,
      db: store.db,
      dialect: store.dialect,
      secrets: store.secrets,
      ...(hub ? { hub } : {}),
      extensionOrigins: config.extensionOrigins ?? [`chrome-extension://${extensionKey.extensionId}`],
      trustProxy: config.trustProxy,
      torList,
      asnData,
      slack,
      enrollment: createEnrollmentControls(config.enrollment),
      streamLimits: createStreamLimits(config.streamLimits),
      publicMetrics: config.publicMetrics,
      webhookTargets: { allowPrivate: config.allowPrivateWebhooks },
      silenceCheckMs: config.silenceCheckSeconds * 1000,
      detectionJobs: { ...DEFAULT_DETECTION_JOBS, leaseMs: config.detectionLeaseSeconds * 1000 },
      ssf: createSsfService({
        issuer: config.publicUrl,
        key: lazySecretKey(keyOptions),
        targets: { allowPrivate: config.allowPrivateWebhooks },
      }),
      logger: {
        level: config.logLevel,
        stream: process.stderr,
        // The Slack token (issue #7) is never logged; these paths are the belt to that braces.
        redact: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          'req.body.token',
          'body.token',
          'token',
          '*.token',
          'headers.authorization',
        ],
      },
    });
    await app.listen({ host: config.host, port: config.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const host = config.host.includes(':') ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;

    for (const line of startupLines({
      url,
      adminPassword,
      store,
      policy,
      policyFile: config.policyFile,
      extensionId: extensionKey.extensionId,
      extensionBuilt: existsSync(join(config.extensionDir, 'manifest.json')),
      // Said even without a list when the tor detector is on: it cannot fire then.
      torExitList:
        config.torExitList || policy.policy.detectors.tor.enabled
          ? describeTorList(torListSummary(torList))
          : undefined,
      asnData:
        config.asnData || policy.policy.detectors.asn.enabled ? describeAsnData(asnDataSummary(asnData)) : undefined,
      storeFlags: storeFlags(config),
      extensionPackage: describeAutoPublish(published),
      warnings: devKey ? [devKey] : [],
    })) {
      io.out(line);
    }
    io.out(identityStatusLine({ configured: config.identity !== null, ...config.identity }));

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
        torList?.stop();
        asnData?.stop();
        await running.close();
        await hub?.close();
        await store.close();
      },
    };
  } catch (error) {
    torList?.stop();
    asnData?.stop();
    await app?.close();
    await hub?.close();
    await store.close();
    throw error;
  }
}
