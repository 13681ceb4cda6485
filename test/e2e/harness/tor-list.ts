/**
 * A Tor exit list (exit-addresses format, published an hour ago) that holds loopback, the
 * address the browser reports from in end-to-end tests, so that the `tor` detector fires
 * on the first report about a Slack session (pass it as `--tor-exit-list`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function torListWithLoopback(name: string): string {
  const dir = join(tmpdir(), `sg-e2e-${name}-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const stamp = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
  const now = Date.now();
  const file = join(dir, 'exit-addresses');
  writeFileSync(
    file,
    [
      'ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E',
      `Published ${stamp(now - 3 * 3_600_000)}`,
      `LastStatus ${stamp(now - 3_600_000)}`,
      `ExitAddress 185.220.101.1 ${stamp(now - 3_600_000)}`,
      'ExitNode 00C4B4731658D3B4987132A3F77100CFCB190D97',
      `Published ${stamp(now - 2 * 3_600_000)}`,
      `LastStatus ${stamp(now - 3_600_000)}`,
      `ExitAddress 127.0.0.1 ${stamp(now - 3_600_000)}`,
      '',
    ].join('\n'),
  );
  return file;
}
