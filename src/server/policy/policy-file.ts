/**
 * `--policy FILE`: policy as code. Reads and validates the file; an error names the
 * failing field (`detectors.excessive_downloads.maxFiles: …`) so `serve` can refuse to
 * start with a message an admin can act on.
 */
import { readFile } from 'node:fs/promises';
import { parseOrgPolicy, type OrgPolicy } from '../../shared/policy/org-policy';

export type PolicyFileResult = { ok: true; policy: OrgPolicy } | { ok: false; error: string };

export async function loadPolicyFile(path: string): Promise<PolicyFileResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    return { ok: false, error: `cannot read policy file ${path}: ${(error as Error).message}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: `policy file ${path} is not valid JSON: ${(error as Error).message}` };
  }
  const parsed = parseOrgPolicy(json);
  return parsed.ok ? parsed : { ok: false, error: `invalid policy in ${path}: ${parsed.error}` };
}
