/**
 * Admin API: verdicts (filtered, and one opened to its evidence), findings (monitor mode
 * too), devices (with their latest fingerprint; one with its sessions; revoke), and the
 * overview's figures. Answers `{ verdicts }`, `{ findings }`, `{ devices }` as before.
 */
import { z } from 'zod';
import {
  DeviceView,
  FindingFilter,
  FindingView,
  OverviewView,
  SessionView,
  VerdictDetail,
  VerdictFilter,
  VerdictView,
} from '../../shared/protocol/admin';
import { deviceDetail, deviceViews, revokeDeviceAs } from '../admin/device-actions';
import { loadOverview } from '../admin/overview';
import { findingViews, verdictViews } from '../admin/record-actions';
import { loadVerdictDetail } from '../admin/verdict-detail';
import { HttpError } from '../http/http-error';
import { adminRoute } from './admin-route';

const DeviceList = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

export const recordRoutes = [
  adminRoute({
    method: 'GET',
    path: '/verdicts',
    summary: 'Verdicts with their acks and latency; filter by reason, user, device (id or prefix) and time',
    query: VerdictFilter,
    response: z.object({ verdicts: z.array(VerdictView) }),
    handler: async ({ ctx, query }) => ({ verdicts: await verdictViews(ctx, query) }),
  }),
  adminRoute({
    method: 'GET',
    path: '/verdicts/:id',
    summary: 'One verdict: its finding and evidence, the signals behind it, the policy version, the device and the ack',
    response: VerdictDetail,
    handler: async ({ ctx, params }) => {
      const detail = await loadVerdictDetail(ctx, params.id);
      if (!detail) throw new HttpError(404, 'unknown_verdict', 'no verdict with this id');
      return detail;
    },
  }),
  adminRoute({
    method: 'GET',
    path: '/findings',
    summary: 'Findings, including monitor-mode ones; filter by reason, user, device, time, mode and outcome',
    query: FindingFilter,
    response: z.object({ findings: z.array(FindingView) }),
    handler: async ({ ctx, query }) => ({ findings: await findingViews(ctx, query) }),
  }),
  adminRoute({
    method: 'GET',
    path: '/devices',
    summary: 'Enrolled devices: last seen, extension version, fingerprint summary, egress address, revocation',
    query: DeviceList,
    response: z.object({ devices: z.array(DeviceView) }),
    handler: async ({ ctx, query }) => ({ devices: await deviceViews(ctx, query.limit) }),
  }),
  adminRoute({
    method: 'GET',
    path: '/devices/:id',
    summary: 'One device with the Slack sessions (keyed hashes) it reported',
    response: z.object({ device: DeviceView, sessions: z.array(SessionView) }),
    handler: async ({ ctx, params }) => {
      const detail = await deviceDetail(ctx, params.id);
      if (!detail) throw new HttpError(404, 'unknown_device', 'no device with this id');
      return detail;
    },
  }),
  adminRoute({
    method: 'POST',
    path: '/devices/:id/revoke',
    summary: 'Revoke a device: its key is refused from now on (403 device_revoked), re-enrolling it too',
    response: z.object({ revoked: z.literal(true) }),
    handler: async ({ ctx, params, admin, req }) => {
      await revokeDeviceAs(ctx, { actor: admin.actor, ip: req.ip }, params.id);
      return { revoked: true as const };
    },
  }),
  adminRoute({
    method: 'GET',
    path: '/overview',
    summary:
      'Verdicts per hour (24 h), latency distribution (7 days), devices reporting vs enrolled, Tor list age, policy mode',
    response: OverviewView,
    handler: async ({ ctx }) => loadOverview(ctx),
  }),
];
