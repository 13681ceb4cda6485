/**
 * `buildApp(deps)` assembles the backend as a Fastify instance: device API under /v1
 * (raw signed bodies, CORS for the extension's origin only), admin API under /api,
 * the dashboard, and the probes. It does not listen; `serve.ts` does, tests inject.
 */
import cors from '@fastify/cors';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { DEVICE_HEADER, SIGNATURE_HEADER } from '../shared/protocol/device';
import type { AppContext } from './app-context';
import type { TrustProxy } from './config';
import { securityHeaders } from './http/security-headers';
import { installErrorHandler } from './http/error-handler';
import { keepRawJsonBodies } from './http/signed-body';
import { ackRoutes } from './routes/acks';
import { adminApiRoutes } from './routes/admin-api';
import { dashboardRoutes } from './routes/dashboard';
import { enrollRoutes } from './routes/enroll';
import { healthRoutes } from './routes/health';
import { identityRoutes } from './routes/identity';
import { signalRoutes } from './routes/signals';
import { streamRoutes } from './routes/stream';
import { deviceKeyRoutes } from './routes/device-keys';
import { verdictRoutes } from './routes/verdicts';
import { verdictAnswerRoutes } from './routes/verdict-answers';
import { guardUninstalledRoutes } from './routes/guard-uninstalled';
import { ssfRoutes } from './routes/ssf';
import { createLocalHub } from './verdicts/hub';
import { createStreamLimits, streamGauges } from './verdicts/stream-limits';
import { createMetrics } from './metrics';
import { installOpenApi } from './openapi';
import { validateExcept } from './http/route-schemas';
import { metaRoutes } from './routes/meta';
import { createAdminEventBus } from './events/admin-stream';
import { DEFAULT_RETRY_DELAYS_MS } from './webhooks/dispatcher';
import { extensionUpdateRoutes } from './routes/extension-updates';
import { firefoxPackageRoutes } from './routes/firefox-package';
import { startWorkers, type WorkerContext, type Workers } from './workers';
import { slackGroupDirectory } from './slack/usergroups';
import { createEnrollmentControls } from './enrollment/controls';

export type AppDeps = Pick<AppContext, 'db' | 'secrets'> &
  Partial<Omit<AppContext, 'db' | 'secrets' | 'verdictKeys'>> & {
    logger?: FastifyServerOptions['logger'];
    /** Whom to believe in X-Forwarded-For (config.ts, SESSION_GUARD_TRUST_PROXY). */
    trustProxy?: TrustProxy;
    /** Sees every route as it is registered (the OpenAPI coverage test). */
    onRoute?: (route: RouteOptions) => void;
  };

/** The context minus the workers (workers.ts builds those from it). */
export function resolveContext(deps: AppDeps): WorkerContext {
  return {
    db: deps.db,
    secrets: deps.secrets,
    verdictKeys: deps.secrets.verdictKeys,
    dialect: deps.dialect ?? 'sqlite',
    hub: deps.hub ?? createLocalHub(),
    metrics: deps.metrics ?? createMetrics(),
    now: deps.now ?? Date.now,
    extensionOrigins: deps.extensionOrigins ?? [],
    pollIntervalSeconds: deps.pollIntervalSeconds ?? 60,
    streamLimits: deps.streamLimits ?? createStreamLimits(),
    streamAuthTimeoutMs: deps.streamAuthTimeoutMs ?? 10_000,
    adminSessionTtlMs: deps.adminSessionTtlMs ?? 12 * 3600_000,
    adminEvents: deps.adminEvents ?? createAdminEventBus(),
    adminStreamPollMs: deps.adminStreamPollMs ?? 1000,
    webhookRetryDelaysMs: deps.webhookRetryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    torList: deps.torList ?? null,
    asnData: deps.asnData ?? null,
    slack: deps.slack ?? null,
    groups: deps.groups !== undefined ? deps.groups : deps.slack ? slackGroupDirectory(deps.slack.context) : null,
    enrollment: deps.enrollment ?? createEnrollmentControls(),
    publicMetrics: deps.publicMetrics ?? false,
    webhookTargets: deps.webhookTargets ?? { allowPrivate: false },
    identity: deps.identity ?? null,
    silenceCheckMs: deps.silenceCheckMs ?? 60_000,
    ssf: deps.ssf ?? null,
    ...(deps.detectionJobs ? { detectionJobs: deps.detectionJobs } : {}),
    ...(deps.detectors ? { detectors: deps.detectors } : {}),
  };
}

function hopsTrusted(hops: number) {
  return (_address: string, hop: number) => hop < hops;
}

export interface ComposedApp {
  app: FastifyInstance;
  ctx: AppContext;
  /** Started with the app, stopped when it closes. */
  workers: Workers;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  return (await composeApp(deps)).app;
}

/** The composition root: the context, the workers (workers.ts), then the routes. */
export async function composeApp(deps: AppDeps): Promise<ComposedApp> {
  const base = resolveContext(deps);
  const app = Fastify({
    logger: deps.logger ?? false,
    // A hop count becomes the function Fastify would make of it (its types omit numbers).
    trustProxy: typeof deps.trustProxy === 'number' ? hopsTrusted(deps.trustProxy) : (deps.trustProxy ?? false),
    bodyLimit: 256 * 1024,
  });
  if (deps.onRoute) app.addHook('onRoute', deps.onRoute);
  await installOpenApi(app);
  const workers = startWorkers(base, { log: app.log, webhooks: deps.webhooks });
  app.addHook('onClose', async () => workers.stop());
  const ctx: AppContext = { ...base, hub: workers.hub, webhooks: workers.webhooks };
  installErrorHandler(app, ctx.metrics);
  streamGauges(ctx.metrics, ctx.streamLimits);
  securityHeaders(app);
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });

  await app.register(
    async (v1) => {
      await v1.register(cors, {
        origin: [...ctx.extensionOrigins],
        methods: ['GET', 'POST'],
        allowedHeaders: ['content-type', DEVICE_HEADER, SIGNATURE_HEADER],
        maxAge: 600,
      });
      keepRawJsonBodies(v1);
      // Signed bodies and their headers are checked by the handlers, signature first.
      v1.setValidatorCompiler(validateExcept('body', 'headers'));
      for (const routes of [
        enrollRoutes,
        signalRoutes,
        verdictRoutes,
        verdictAnswerRoutes,
        ackRoutes,
        streamRoutes,
        deviceKeyRoutes,
        identityRoutes,
        guardUninstalledRoutes,
      ]) {
        await v1.register(routes, { ctx });
      }
    },
    { prefix: '/v1' },
  );
  await app.register(adminApiRoutes, { prefix: '/api', ctx });
  await app.register(dashboardRoutes, { ctx });
  await app.register(healthRoutes, { ctx });
  await app.register(metaRoutes, { ctx });
  await app.register(extensionUpdateRoutes, { ctx });
  await app.register(firefoxPackageRoutes, { ctx });
  await app.register(ssfRoutes, { ctx });
  return { app, ctx, workers };
}
