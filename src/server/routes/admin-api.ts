/**
 * The admin API under /api, for the dashboard, SIEMs and scripts. Every route needs a
 * bearer token or a dashboard session. Responses: `{ verdicts }`, `{ findings }`,
 * `{ devices }`, and the policy as `{ version, policy, createdAt, createdBy }`.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { parseOrgPolicy } from '../../shared/policy/org-policy';
import type { AppContext } from '../app-context';
import { authenticateAdmin, type AdminPrincipal } from '../auth/admin-auth';
import { listDevices } from '../db/devices.repository';
import { listFindings } from '../db/findings.repository';
import { listVerdictsWithAcks } from '../db/verdicts.repository';
import { HttpError } from '../http/http-error';
import { applyPolicy, currentPolicy } from '../policy/policy-store';
import { toVerdictView } from '../verdicts/verdict-view';

const ListQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

function limitOf(req: FastifyRequest): number {
  const parsed = ListQuery.safeParse(req.query ?? {});
  if (!parsed.success) throw new HttpError(400, 'invalid_query', 'limit must be an integer from 1 to 1000');
  return parsed.data.limit;
}

declare module 'fastify' {
  interface FastifyRequest {
    admin?: AdminPrincipal;
  }
}

export const adminApiRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  app.addHook('onRequest', async (req) => {
    const principal = await authenticateAdmin(ctx.db, req, ctx.now());
    if (!principal) throw new HttpError(401, 'unauthorized', 'send Authorization: Bearer <token> or sign in to the dashboard');
    req.admin = principal;
  });

  app.get('/verdicts', async (req) => ({
    verdicts: (await listVerdictsWithAcks(ctx.db, limitOf(req))).map(toVerdictView),
  }));

  app.get('/findings', async (req) => ({ findings: await listFindings(ctx.db, limitOf(req)) }));

  app.get('/devices', async (req) => ({
    devices: (await listDevices(ctx.db, limitOf(req))).map((d) => ({
      id: d.id,
      userId: d.user_id,
      extensionVersion: d.extension_version,
      userAgent: d.user_agent,
      enrolledAt: Number(d.enrolled_at),
      lastSeenAt: Number(d.last_seen_at),
      lastIp: d.last_ip,
      signalCount: d.signal_count,
    })),
  }));

  app.get('/policy', async () => currentPolicy(ctx.db, ctx.now()));

  app.put('/policy', { bodyLimit: 64 * 1024 }, async (req) => {
    const parsed = parseOrgPolicy(req.body);
    if (!parsed.ok) throw new HttpError(400, 'invalid_policy', parsed.error);
    const by = req.admin?.kind === 'token' ? `token:${req.admin.label}` : 'dashboard';
    const { active, changed } = await applyPolicy(ctx.db, parsed.policy, by, ctx.now());
    req.log.info({ version: active.version, changed }, 'policy updated');
    return { ...active, changed };
  });
};
