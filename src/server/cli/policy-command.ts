/** `session-guard policy export`: the managed policy for browsers, from the store's secrets. */
import { parseArgs } from 'node:util';
import { openStore } from '../db/open-store';
import { loadExtensionKey } from '../extension-key';
import { chromeLinuxPolicy, EXPORT_FORMATS, SUPPORTED_FORMATS, type ExportFormat } from '../policy/managed-policy-export';
import { UsageError, type CliIo } from './io';
import { STORE_OPTIONS, storeOptions } from './store-flags';

const OPTIONS = {
  format: { type: 'string' },
  'backend-url': { type: 'string' },
  ...STORE_OPTIONS,
} as const;

export async function policyCommand(args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'export') throw new UsageError(sub ? `unknown policy command "${sub}"` : 'policy needs a subcommand: export');
  const { values } = parseArgs({ args: rest, options: OPTIONS, strict: true, allowPositionals: false });
  const format = values.format;
  if (!format) throw new UsageError('policy export needs --format (chrome-linux)');
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown format "${format}"; formats: ${EXPORT_FORMATS.join(', ')}`);
  }
  if (!SUPPORTED_FORMATS.includes(format as ExportFormat)) {
    io.stderr(`session-guard policy export: --format ${format} is not yet supported; use --format chrome-linux`);
    return 2;
  }
  const backendUrl = (values['backend-url'] ?? 'http://127.0.0.1:8787').replace(/\/+$/, '');
  if (!/^https?:\/\/[^/\s]+/.test(backendUrl)) throw new UsageError('--backend-url must be an http(s) URL');

  const extensionId = loadExtensionKey(io.env).extensionId;
  const store = await openStore(storeOptions(values, io.env));
  try {
    const policy = chromeLinuxPolicy({
      extensionId,
      backendUrl,
      enrollmentToken: store.secrets.enrollmentToken,
      verdictPublicKey: store.secrets.verdictKeys.publicSpki,
    });
    io.stdout(JSON.stringify(policy, null, 2));
    return 0;
  } finally {
    await store.close();
  }
}
