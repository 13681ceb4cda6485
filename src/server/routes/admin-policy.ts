/**
 * Admin API: the org policy. GET and PUT keep their contract (`{ version, policy,
 * createdAt, createdBy }`, PUT adds `changed`); preview validates a draft against the zod
 * schema and diffs it (the editor calls it as the admin types); history lists versions
 * with who changed which fields.
 */
import { z } from 'zod';
import { OrgPolicy } from '../../shared/policy/org-policy';
import {
  PolicyPreview,
  PolicyPreviewRequest,
  PolicyVersionDetail,
  PolicyVersionView,
} from '../../shared/protocol/admin';
import { activePolicy, policyHistory, policyVersionDetail, previewPolicy, updatePolicy } from '../admin/policy-actions';
import { HttpError } from '../http/http-error';
import { adminRoute } from './admin-route';

const Active = z.object({
  version: z.number(),
  policy: z.record(z.string(), z.unknown()),
  createdAt: z.number(),
  createdBy: z.string(),
});

export const policyRoutes = [
  adminRoute({
    method: 'GET',
    path: '/policy',
    summary: 'The current org policy and its version',
    response: Active,
    handler: async ({ ctx }) => activePolicy(ctx),
  }),
  adminRoute({
    method: 'PUT',
    path: '/policy',
    summary: 'Replace the org policy (a new version when it differs); 400 invalid_policy names the field',
    bodyDoc: OrgPolicy,
    bodyLimit: 64 * 1024,
    response: Active.extend({ changed: z.boolean() }),
    handler: async ({ ctx, req, admin }) => {
      const result = await updatePolicy(ctx, { actor: admin.actor, ip: req.ip }, req.body);
      req.log.info({ version: result.version, changed: result.changed }, 'policy updated');
      return result;
    },
  }),
  adminRoute({
    method: 'POST',
    path: '/policy/preview',
    summary: 'Validate a draft policy (JSON text) against the schema and show its diff with the current version',
    body: PolicyPreviewRequest,
    bodyLimit: 80 * 1024,
    response: PolicyPreview,
    handler: async ({ ctx, body }) => previewPolicy(ctx, body.document),
  }),
  adminRoute({
    method: 'GET',
    path: '/policy/versions',
    summary: 'Policy versions, newest first, with who made each and which fields it changed',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: z.object({ versions: z.array(PolicyVersionView) }),
    handler: async ({ ctx, query }) => ({ versions: await policyHistory(ctx, query.limit) }),
  }),
  adminRoute({
    method: 'GET',
    path: '/policy/versions/:version',
    summary: 'One policy version, with its line diff against the version before it (null for the first)',
    response: PolicyVersionDetail,
    handler: async ({ ctx, params }) => {
      const view = /^\d{1,9}$/.test(params.version) ? await policyVersionDetail(ctx, Number(params.version)) : null;
      if (!view) throw new HttpError(404, 'unknown_version', 'no policy version with this number');
      return view;
    },
  }),
];
