/**
 * The active org policy and its versions. Every read re-validates the stored document
 * (storage is a trust boundary), and a write only makes a new version when the policy
 * actually differs from the current one.
 */
import { DEFAULT_ORG_POLICY, parseOrgPolicy, type OrgPolicy } from '../../shared/policy/org-policy';
import { appendPolicy, latestPolicy, latestPolicyVersion, type PolicyRow } from '../db/policies.repository';
import type { Db } from '../db/schema';

export interface ActivePolicy {
  version: number;
  policy: OrgPolicy;
  createdAt: number;
  createdBy: string;
}

/**
 * The last stored document validated, by its exact text (issue #16): every signal batch
 * reads the current policy, and re-validating the same bytes with zod was about 5 % of
 * ingest. A different document (a new version, another replica's write) is validated anew.
 */
let lastValid: { document: string; policy: OrgPolicy } | null = null;

/**
 * The newest version as last read (issue #16). Versions are append-only and a stored
 * version's document is never rewritten, so while the newest version number is the same,
 * so is the policy: a batch reads that number (one small indexed row) instead of the
 * whole document. Any replica's new version has a higher number and is read in full.
 * Kept per database handle (tests and benches open several stores in one process).
 */
const lastActive = new WeakMap<Db, ActivePolicy>();

function toActive(row: PolicyRow): ActivePolicy {
  const parsed: ReturnType<typeof parseOrgPolicy> =
    lastValid?.document === row.document
      ? { ok: true, policy: lastValid.policy }
      : parseOrgPolicy(JSON.parse(row.document));
  if (parsed.ok) lastValid = { document: row.document, policy: parsed.policy };
  if (!parsed.ok) throw new Error(`stored policy version ${row.version} is invalid: ${parsed.error}`);
  return {
    version: Number(row.version),
    policy: parsed.policy,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
  };
}

/** The newest policy; the defaults become version 1 the first time it is asked for. */
export async function currentPolicy(db: Db, now: number): Promise<ActivePolicy> {
  const cached = lastActive.get(db);
  if (cached && (await latestPolicyVersion(db)) === cached.version) return cached;
  const row = await latestPolicy(db);
  if (row) {
    const active = toActive(row);
    lastActive.set(db, active);
    return active;
  }
  await applyPolicy(db, DEFAULT_ORG_POLICY, 'default', now);
  return toActive((await latestPolicy(db))!);
}

export interface ApplyResult {
  active: ActivePolicy;
  changed: boolean;
}

/** Stores `policy` (already validated) as a new version unless it equals the current one. */
export async function applyPolicy(db: Db, policy: OrgPolicy, createdBy: string, now: number): Promise<ApplyResult> {
  const document = JSON.stringify(policy);
  const current = await latestPolicy(db);
  if (current && canonical(current.document) === document) return { active: toActive(current), changed: false };
  return { active: toActive(await appendPolicy(db, document, createdBy, now)), changed: true };
}

/** Re-parse so a document written by an older build compares by meaning, not by bytes. */
function canonical(document: string): string {
  const parsed = parseOrgPolicy(JSON.parse(document));
  return parsed.ok ? JSON.stringify(parsed.policy) : document;
}
