/** Where a command writes and what it reads from its process; injectable for tests. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT/SIGTERM). */
  waitForShutdown(): Promise<string>;
}

export const processIo: CliIo = {
  stdout: (text) => void process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  stderr: (text) => void process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  env: process.env,
  waitForShutdown: () =>
    new Promise((resolve) => {
      const onSignal = (signal: string) => {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
        resolve(signal);
      };
      process.on('SIGINT', onSignal);
      process.on('SIGTERM', onSignal);
    }),
};

/** A usage error: the command line was wrong (exit 2). */
export class UsageError extends Error {}
