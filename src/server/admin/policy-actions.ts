/**
 * The org policy as the admin edits it: validate a draft as it is typed (the same zod
 * schema `serve --policy` and the engine use), show what would change, save a new
 * version (audited, with who and which fields), and read the history with each version's
 * changes against the one before.
 */
import { changedPaths, lineDiff, prettyJson } from '../../shared/policy/policy-diff';
import { OrgPolicy, parseOrgPolicy } from '../../shared/policy/org-policy';
import type { PolicyPreview, PolicyVersionDetail, PolicyVersionView } from '../../shared/protocol/admin';
import type { AppContext } from '../app-context';
import { recordAudit } from '../audit/audit-log';
import type { PolicyRow } from '../db/policies.repository';
import { listPolicies, policyByVersion } from '../db/policy-history.repository';
import { HttpError, zodIssues } from '../http/http-error';
import { applyPolicy, currentPolicy, type ActivePolicy } from '../policy/policy-store';

export interface Actor {
  actor: string;
  ip: string | null;
}

function documentOf(row: PolicyRow | undefined): Record<string, unknown> | null {
  if (!row) return null;
  try {
    return JSON.parse(row.document) as Record<string, unknown>;
  } catch {
    return null;
  }
}

function toView(row: PolicyRow, previous: PolicyRow | undefined): PolicyVersionView {
  const policy = documentOf(row) ?? {};
  return {
    version: Number(row.version),
    policy,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    changes: previous ? changedPaths(documentOf(previous), policy) : [],
  };
}

export async function policyVersion(ctx: AppContext, version: number): Promise<PolicyVersionView | null> {
  const row = await policyByVersion(ctx.db, version);
  return row ? toView(row, await policyByVersion(ctx.db, version - 1)) : null;
}

/** One version with its line diff against the one before, for its page and the API. */
export async function policyVersionDetail(ctx: AppContext, version: number): Promise<PolicyVersionDetail | null> {
  const view = await policyVersion(ctx, version);
  if (!view) return null;
  const previous = await policyVersion(ctx, version - 1);
  return { ...view, diff: previous ? lineDiff(prettyJson(previous.policy), prettyJson(view.policy)) : null };
}

/** The policy in force (version 1, the defaults, is written on first read). */
export async function activePolicy(ctx: AppContext): Promise<ActivePolicy> {
  return currentPolicy(ctx.db, ctx.now());
}

export async function policyHistory(ctx: AppContext, limit: number): Promise<PolicyVersionView[]> {
  await currentPolicy(ctx.db, ctx.now());
  const rows = await listPolicies(ctx.db, limit + 1);
  return rows.slice(0, limit).map((row, i) => toView(row, rows[i + 1]));
}

/** Validates a draft (JSON text) and shows its diff against the current version. */
export async function previewPolicy(ctx: AppContext, text: string): Promise<PolicyPreview> {
  const current = await currentPolicy(ctx.db, ctx.now());
  const base = { currentVersion: current.version, changes: [], diff: [] };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ...base,
      valid: false,
      issues: [{ path: '(document)', message: `not valid JSON: ${(error as Error).message}` }],
    };
  }
  const parsed = OrgPolicy.safeParse(json);
  if (!parsed.success)
    return {
      ...base,
      valid: false,
      issues: zodIssues(parsed.error).map((i) => ({ ...i, path: i.path || '(document)' })),
    };
  return {
    ...base,
    valid: true,
    issues: [],
    changes: changedPaths(current.policy, parsed.data),
    diff: lineDiff(prettyJson(current.policy), prettyJson(parsed.data)),
  };
}

export interface UpdateResult extends ActivePolicy {
  changed: boolean;
}

/** Saves `input` as the next version unless it equals the current one; audited. */
export async function updatePolicy(ctx: AppContext, by: Actor, input: unknown): Promise<UpdateResult> {
  const parsed = parseOrgPolicy(input);
  if (!parsed.ok) throw new HttpError(400, 'invalid_policy', parsed.error);
  const now = ctx.now();
  const before = await currentPolicy(ctx.db, now);
  const { active, changed } = await applyPolicy(ctx.db, parsed.policy, by.actor, now);
  if (changed) {
    await recordAudit(ctx.db, now, {
      actor: by.actor,
      ip: by.ip,
      action: 'policy.update',
      target: `policy v${active.version}`,
      details: { from: before.version, to: active.version, changes: changedPaths(before.policy, active.policy) },
    });
  }
  return { ...active, changed };
}
