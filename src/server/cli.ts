/**
 * The `session-guard` command (bin/session-guard.mjs loads this through tsx). Returns
 * the exit code: 0 done, 1 failed, 2 wrong usage (with the usage text on stderr).
 */
import { enrollmentCommand } from './cli/enrollment-command';
import { extensionCommand } from './cli/extension-command';
import { jobsCommand } from './cli/jobs-command';
import { policyCommand } from './cli/policy-command';
import { processIo, UsageError, type CliIo } from './cli/io';
import { serveCommand } from './cli/serve-command';
import { slackCommand } from './cli/slack-command';
import { ssfCommand } from './cli/ssf-command';
import { tokenCommand } from './cli/token-command';
import { USAGE } from './cli/usage';
import { verdictKeyCommand } from './cli/verdict-key-command';
import { webhookCommand } from './cli/webhook-command';

const COMMANDS: Record<string, (args: string[], io: CliIo) => Promise<number>> = {
  serve: serveCommand,
  policy: policyCommand,
  extension: extensionCommand,
  token: tokenCommand,
  webhook: webhookCommand,
  slack: slackCommand,
  ssf: ssfCommand,
  enrollment: enrollmentCommand,
  'verdict-key': verdictKeyCommand,
  jobs: jobsCommand,
};

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}

export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    (command === undefined ? io.stderr : io.stdout)(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(USAGE);
    return 0;
  }
  const run = COMMANDS[command];
  if (!run) {
    io.stderr(`session-guard: unknown command "${command}"\n\n${USAGE}`);
    return 2;
  }
  try {
    return await run(rest, io);
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`session-guard ${command}: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr(`session-guard ${command}: ${(error as Error).message}`);
    return 1;
  }
}
