/**
 * The dashboard's read-only pages: overview, verdicts (filtered) and one verdict,
 * devices and one device, findings, the audit log. Filters are parsed with the admin
 * API's schemas, so the page and /api accept the same thing, and every page reads its data
 * through the same admin actions (src/server/admin/) as /api: no page reads the store.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import { auditPage } from '../../dashboard/audit-page';
import { devicePage, devicesPage } from '../../dashboard/devices-page';
import type { FilterValues } from '../../dashboard/filters';
import { findingsPage } from '../../dashboard/findings-page';
import { overviewPage } from '../../dashboard/overview-page';
import { verdictDetailPage } from '../../dashboard/verdict-detail-page';
import { verdictsPage } from '../../dashboard/verdicts-page';
import { AuditFilter, FindingFilter, VerdictFilter } from '../../shared/protocol/admin';
import { deviceDetail, deviceViews } from '../admin/device-actions';
import { loadOverview } from '../admin/overview';
import { auditEntries, findingViews, verdictViews } from '../admin/record-actions';
import { loadVerdictDetail } from '../admin/verdict-detail';
import { answerCounts } from '../admin/answer-actions';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { parseQuery } from './admin-route';
import { autoRevocationNoticeFor } from '../admin/notice-actions';
import { messagePage, requireDashboardSession, sendPage, sessionOf } from './dashboard-session';

const FILTER_KEYS = ['reason', 'user', 'device', 'from', 'to', 'mode', 'outcome'] as const;

function filterValues(req: FastifyRequest): FilterValues {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const values: FilterValues = {};
  for (const key of FILTER_KEYS) if (typeof query[key] === 'string') values[key] = (query[key] as string).slice(0, 100);
  return values;
}

/** The parsed filter, or the message to show when it is not valid. */
function tryParse<T>(schema: z.ZodType<T>, req: FastifyRequest): { filter: T | null; error?: string } {
  try {
    return { filter: parseQuery(schema, req.query) };
  } catch (error) {
    const issues = error instanceof HttpError ? (error.issues ?? []) : [];
    return {
      filter: null,
      error: `Invalid filter: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ') || 'unreadable'}`,
    };
  }
}

export const dashboardPageRoutes: FastifyPluginAsync<{ ctx: AppContext }> = async (app, { ctx }) => {
  requireDashboardSession(app, ctx);

  app.get('/', async (req, reply) => {
    const overview = await loadOverview(ctx);
    const recent = await verdictViews(ctx, { limit: 10 });
    const autoNotice = await autoRevocationNoticeFor(ctx);
    const slack = ctx.slack ? await ctx.slack.status() : null;
    const slackFeed = slack?.connection.connected
      ? {
          ...slack.feed,
          lastError: slack.feed.source === 'access_logs' ? slack.accessLog.lastError : slack.auditLog.lastError,
        }
      : null;
    return sendPage(
      reply,
      200,
      overviewPage({ overview, recent, csrf: sessionOf(req).csrfToken, now: ctx.now(), autoNotice, slackFeed }),
    );
  });

  app.get('/verdicts', async (req, reply) => {
    const { filter, error } = tryParse(VerdictFilter, req);
    const verdicts = filter ? await verdictViews(ctx, filter) : [];
    const page = verdictsPage({
      verdicts,
      filters: filterValues(req),
      error,
      csrf: sessionOf(req).csrfToken,
      now: ctx.now(),
    });
    return sendPage(reply, error ? 400 : 200, page);
  });

  app.get<{ Params: { id: string } }>('/verdicts/:id', async (req, reply) => {
    const csrf = sessionOf(req).csrfToken;
    const detail = await loadVerdictDetail(ctx, req.params.id);
    if (!detail) return sendPage(reply, 404, messagePage('Verdict not found', 'No verdict has this id.', csrf));
    return sendPage(reply, 200, verdictDetailPage(detail, csrf));
  });

  app.get('/devices', async (req, reply) => {
    const query = (req.query ?? {}) as Record<string, unknown>;
    const notice = query.revoked
      ? 'The device was revoked: its key is refused from now on.'
      : query.approved
        ? 'The device was approved: it may report from now on.'
        : query.rejected
          ? 'The device was rejected: it is refused from now on.'
          : undefined;
    return sendPage(
      reply,
      200,
      devicesPage({
        devices: await deviceViews(ctx, 500),
        csrf: sessionOf(req).csrfToken,
        now: ctx.now(),
        notice,
        identityConfigured: ctx.identity !== null,
      }),
    );
  });

  app.get<{ Params: { id: string } }>('/devices/:id', async (req, reply) => {
    const csrf = sessionOf(req).csrfToken;
    const detail = await deviceDetail(ctx, req.params.id);
    if (!detail) return sendPage(reply, 404, messagePage('Device not found', 'No device has this id.', csrf));
    const byDevice = VerdictFilter.safeParse({ device: req.params.id, limit: 50 });
    const verdicts = byDevice.success ? await verdictViews(ctx, byDevice.data) : [];
    return sendPage(reply, 200, devicePage({ ...detail, verdicts, csrf, now: ctx.now() }));
  });

  app.get('/findings', async (req, reply) => {
    const { filter, error } = tryParse(FindingFilter, req);
    const findings = filter ? await findingViews(ctx, filter) : [];
    const page = findingsPage({
      findings,
      filters: filterValues(req),
      error,
      csrf: sessionOf(req).csrfToken,
      now: ctx.now(),
      answers: await answerCounts(ctx),
    });
    return sendPage(reply, error ? 400 : 200, page);
  });

  app.get('/audit', async (req, reply) => {
    const { filter } = tryParse(AuditFilter, req);
    const query = filter ?? { limit: 200 };
    const entries = await auditEntries(ctx, query);
    return sendPage(reply, 200, auditPage(entries, query.action, sessionOf(req).csrfToken));
  });
};
