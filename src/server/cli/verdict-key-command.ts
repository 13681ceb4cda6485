/**
 * `session-guard verdict-key rotate|list` (issue #10, docs/adr/0003-verdict-key-rotation.md):
 * rotate makes a new verdict signing key, sealed like the others, which signs from now
 * (or after `--activate-in`, so the new policy can reach every browser first); running
 * backends pick it up within seconds. `policy export` then lists old and new keys.
 */
import { parseArgs } from 'node:util';
import { openStore } from '../db/open-store';
import { keyStates, listVerdictKeys, rotateVerdictKey } from '../verdicts/verdict-key-ring';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = { 'activate-in': { type: 'string' }, json: { type: 'boolean' }, ...STORE_OPTIONS } as const;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDelay(text: string): number {
  const match = /^(\d{1,7})([smhd]?)$/.exec(text.trim());
  if (!match) throw new UsageError(`--activate-in must be a duration like 0, 30m, 24h or 7d, got "${text}"`);
  return Number(match[1]) * UNIT_MS[match[2] || 's']!;
}

export async function verdictKeyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'rotate' && sub !== 'list') {
    throw new UsageError(sub ? `unknown verdict-key command "${sub}"` : 'verdict-key needs a subcommand: rotate, list');
  }
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const delay = values['activate-in'] === undefined ? 0 : parseDelay(values['activate-in']);
  const store = await openStore(storeOptions(values, io.env));
  try {
    const now = Date.now();
    if (sub === 'rotate') {
      const key = await rotateVerdictKey(store.db, store.secretKey, now, now + delay);
      const when = delay ? `from ${new Date(key.activeFrom).toISOString()}` : 'from now';
      io.stdout(`New verdict key ${key.kid} (generation ${key.generation}) signs verdicts ${when}.`);
      io.stdout(
        'Export the managed policy again (session-guard policy export) and deploy it: it lists the new key and the previous one.',
      );
      return 0;
    }
    const keys = await listVerdictKeys(store.db);
    const states = keyStates(keys, now);
    const signing = states.signing.kid;
    const listed = new Set(states.published.map((k) => k.kid));
    if (values.json) {
      io.stdout(
        JSON.stringify(
          keys.map((k) => ({ ...k, signing: k.kid === signing, inPolicy: listed.has(k.kid) })),
          null,
          2,
        ),
      );
      return 0;
    }
    for (const k of keys) {
      const state = k.kid === signing ? 'signing' : k.activeFrom > now ? 'published, not yet signing' : 'retired';
      io.stdout(
        `${k.kid}  generation ${k.generation}  created ${new Date(k.createdAt).toISOString()}  ${state}${listed.has(k.kid) ? '  (in policy)' : ''}`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}
