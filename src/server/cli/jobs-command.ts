/**
 * `session-guard jobs list`: the background job queue (src/server/jobs/, docs/jobs.md)
 * as an operator sees it, from the shell: by default the jobs that failed for good (out
 * of attempts, or refused), with their kind, key, attempts and last error, so a stuck
 * webhook or revocation is visible without reading the database. Payloads are not shown:
 * they are ids, but a job kind added later might carry more.
 */
import { parseArgs } from 'node:util';
import { openStore } from '../db/open-store';
import { listJobs } from '../jobs/queue';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = {
  status: { type: 'string', default: 'failed' },
  kind: { type: 'string' },
  limit: { type: 'string', default: '50' },
  json: { type: 'boolean' },
  ...STORE_OPTIONS,
} as const;
const STATUSES = ['pending', 'done', 'failed'];

export async function jobsCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'list') throw new UsageError(sub ? `unknown jobs command "${sub}"` : 'jobs needs a subcommand: list');
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true });
  if (!STATUSES.includes(values.status)) throw new UsageError(`--status must be one of ${STATUSES.join(', ')}`);
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new UsageError('--limit must be 1 to 1000');
  const store = await openStore(storeOptions(values, io.env));
  try {
    const jobs = (await listJobs(store.db, { status: values.status, kind: values.kind, limit })).map((j) => ({
      id: j.id,
      kind: j.kind,
      key: j.key,
      status: j.status,
      attempts: Number(j.attempts),
      runAt: Number(j.run_at),
      lastError: j.last_error,
      updatedAt: Number(j.updated_at),
    }));
    io.stdout(
      values.json
        ? JSON.stringify({ jobs }, null, 2)
        : jobs
            .map(
              (j) =>
                `${new Date(j.updatedAt).toISOString()}  ${j.kind}  ${j.key}  ${j.status}  attempts ${j.attempts}  ${j.lastError ?? ''}`,
            )
            .join('\n') || `no ${values.status} jobs`,
    );
    return 0;
  } finally {
    await store.close();
  }
}
