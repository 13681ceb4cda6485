/**
 * The Tor exit list for admins: GET /api/tor-exit-list says what the tor detector checks
 * against (status, entries, source, age, last error; `unconfigured` without a list), and
 * POST /api/tor-exit-list/refresh re-reads it now. Admin API routes like the others
 * (admin-api.ts: same guard, same document). Also the list's /metrics gauges.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { HttpError } from '../http/http-error';
import { torListSummary } from '../tor/summary';
import { adminRoute } from './admin-route';

const summary = (ctx: AppContext) => torListSummary(ctx.torList);

const TorListSummary = z
  .looseObject({ status: z.string(), entries: z.number(), stale: z.boolean() })
  .describe('The list in use: status, entries, source, age, last error (`unconfigured` without a list)');

export function torListGauges(ctx: AppContext): void {
  const { gauges } = ctx.metrics;
  gauges.sg_tor_exit_list_entries.readFrom(() => summary(ctx).entries);
  gauges.sg_tor_exit_list_age_seconds.readFrom(() => {
    const s = summary(ctx);
    return 'ageSeconds' in s && typeof s.ageSeconds === 'number' ? s.ageSeconds : -1;
  });
  gauges.sg_tor_exit_list_stale.readFrom(() => (summary(ctx).stale ? 1 : 0));
}

export const torExitListRoutes = [
  adminRoute({
    method: 'GET',
    path: '/tor-exit-list',
    summary: 'The Tor exit list the tor detector checks against: status, entries, source, age, last error',
    response: TorListSummary,
    handler: async ({ ctx }) => summary(ctx),
  }),
  adminRoute({
    method: 'POST',
    path: '/tor-exit-list/refresh',
    summary: 'Re-read the Tor exit list now (409 tor_list_unconfigured without --tor-exit-list)',
    response: TorListSummary,
    handler: async ({ ctx }) => {
      if (!ctx.torList?.refresh)
        throw new HttpError(409, 'tor_list_unconfigured', 'start serve with --tor-exit-list FILE|URL');
      await ctx.torList.refresh();
      return summary(ctx);
    },
  }),
];
