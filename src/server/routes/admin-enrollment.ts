/**
 * Admin API for enrollment (issue #10): approve or reject a pending device, rotate the
 * enrollment token (the answer holds the new token, as `policy export` would print it),
 * and read the enrollment settings. Same audited actions as the dashboard and the CLI.
 */
import { z } from 'zod';
import { approveDeviceAs, enrollmentSettings, rejectDeviceAs, rotateEnrollmentAs } from '../admin/enrollment-actions';
import { DEFAULT_GRACE_HOURS } from '../auth/enrollment-tokens';
import { adminRoute } from './admin-route';

const RotateBody = z.object({ graceHours: z.number().min(0).max(8760).default(DEFAULT_GRACE_HOURS) }).strict();

export const enrollmentRoutes = [
  adminRoute({
    method: 'POST',
    path: '/devices/:id/approve',
    summary: 'Approve a pending device (approval mode): it may enroll and report from now on',
    response: z.object({ approval: z.literal('approved') }),
    handler: async ({ ctx, params, admin, req }) => {
      await approveDeviceAs(ctx, { actor: admin.actor, ip: req.ip }, params.id);
      return { approval: 'approved' as const };
    },
  }),
  adminRoute({
    method: 'POST',
    path: '/devices/:id/reject',
    summary: 'Reject a pending device: it is refused with 403 device_rejected (409 not_pending if already approved)',
    response: z.object({ approval: z.literal('rejected') }),
    handler: async ({ ctx, params, admin, req }) => {
      await rejectDeviceAs(ctx, { actor: admin.actor, ip: req.ip }, params.id);
      return { approval: 'rejected' as const };
    },
  }),
  adminRoute({
    method: 'GET',
    path: '/enrollment',
    summary: 'Enrollment settings: rate limits, quota, approval mode, devices counted and pending, tokens in grace',
    response: z.object({
      settings: z.object({
        perAddressPerMinute: z.number(),
        totalPerMinute: z.number(),
        maxDevices: z.number().nullable(),
        approval: z.boolean(),
      }),
      rotatedAt: z.number().nullable(),
      inGrace: z.array(z.object({ retiredAt: z.number(), expiresAt: z.number() })),
      devices: z.object({ counted: z.number(), pending: z.number() }),
    }),
    handler: async ({ ctx }) => enrollmentSettings(ctx),
  }),
  adminRoute({
    method: 'POST',
    path: '/enrollment/rotate',
    summary: 'Issue a new enrollment token; the old one is accepted for graceHours (default 24), then refused',
    body: RotateBody,
    response: z.object({ enrollmentToken: z.string(), previousExpiresAt: z.number() }),
    handler: async ({ ctx, body, admin, req }) => {
      const rotated = await rotateEnrollmentAs(ctx.db, ctx.now(), { actor: admin.actor, ip: req.ip }, body.graceHours);
      return { enrollmentToken: rotated.token, previousExpiresAt: rotated.previousExpiresAt };
    },
  }),
];
