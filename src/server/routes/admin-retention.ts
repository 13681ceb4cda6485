/**
 * Admin API for the bounded store (issue #16): each kind's retention, floor and row
 * counts, as the dashboard's retention page shows them. Retention is set in the org
 * policy's `retention` section (PUT /api/policy), which refuses a too-short setting.
 */
import { z } from 'zod';
import { RetentionKindView } from '../../shared/policy/retention';
import { retentionView } from '../admin/retention-actions';
import { adminRoute } from './admin-route';

export const retentionRoutes = [
  adminRoute({
    method: 'GET',
    path: '/retention',
    summary: 'Retention of each kind of record (days, floor, what is kept) and the current row counts',
    response: z.object({ kinds: z.array(RetentionKindView) }),
    handler: async ({ ctx }) => ({ kinds: await retentionView(ctx) }),
  }),
];
