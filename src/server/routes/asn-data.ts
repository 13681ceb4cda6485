/**
 * The IP-to-ASN data set for admins (issue #14), as GET /api/tor-exit-list is for the Tor
 * list: GET /api/asn-data says what the asn detector maps addresses with (status, ranges,
 * AS numbers, source, age, last error; `unconfigured` without `--asn-data`), and POST
 * /api/asn-data/refresh re-reads it now. Also its /metrics gauges.
 */
import { z } from 'zod';
import type { AppContext } from '../app-context';
import { asnDataSummary } from '../asn/summary';
import { HttpError } from '../http/http-error';
import { adminRoute } from './admin-route';

const AsnDataSummary = z
  .looseObject({ status: z.string(), entries: z.number(), stale: z.boolean() })
  .describe(
    'The data set in use: status, ranges (entries), AS numbers, source, age, last error (`unconfigured` without one)',
  );

/** The data set's /metrics gauges. */
export function asnDataGauges(ctx: AppContext): void {
  const { gauges } = ctx.metrics;
  gauges.sg_asn_data_ranges.readFrom(() => asnDataSummary(ctx.asnData).entries);
  gauges.sg_asn_data_age_seconds.readFrom(() => {
    const s = asnDataSummary(ctx.asnData);
    return 'ageSeconds' in s && typeof s.ageSeconds === 'number' ? s.ageSeconds : -1;
  });
}

export const asnDataRoutes = [
  adminRoute({
    method: 'GET',
    path: '/asn-data',
    summary: 'The IP-to-ASN data set the asn detector maps addresses with: status, ranges, source, age, last error',
    response: AsnDataSummary,
    handler: async ({ ctx }) => asnDataSummary(ctx.asnData),
  }),
  adminRoute({
    method: 'POST',
    path: '/asn-data/refresh',
    summary: 'Re-read the IP-to-ASN data set now (409 asn_data_unconfigured without --asn-data)',
    response: AsnDataSummary,
    handler: async ({ ctx }: { ctx: AppContext }) => {
      if (!ctx.asnData) throw new HttpError(409, 'asn_data_unconfigured', 'start serve with --asn-data FILE|URL');
      await ctx.asnData.refresh();
      return asnDataSummary(ctx.asnData);
    },
  }),
];
