/**
 * The backend as a real process, started the way the README starts it
 * (`session-guard serve`), on a free port with its own data folder.
 */
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = new URL('../../../', import.meta.url).pathname;
const CLI = join(ROOT, 'bin', 'session-guard.mjs');
export const ADMIN_PASSWORD = 'e2e-admin-password-0123456789';

export interface Backend {
  url: string;
  dataDir: string;
  output: () => string;
  exportPolicy(): Promise<Record<string, any>>;
  api<T = any>(path: string, init?: RequestInit): Promise<T>;
  stop(): Promise<void>;
}

export async function startBackend(dataDir: string, orgPolicy?: object): Promise<Backend> {
  const args = [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--data-dir', dataDir];
  if (orgPolicy) {
    const file = join(dataDir, '..', 'org-policy.json');
    writeFileSync(file, JSON.stringify(orgPolicy));
    args.push('--policy', file);
  }
  const env = { ...process.env, SESSION_GUARD_ADMIN_PASSWORD: ADMIN_PASSWORD };
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`backend did not start:\n${output}`)), 30_000);
    const check = () => {
      const match = output.match(/listening on (http:\/\/[\d.]+:\d+)/i);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', check);
    child.once('exit', (code) => reject(new Error(`backend exited with ${code}:\n${output}`)));
  });

  const cli = async (...rest: string[]) =>
    (await run(process.execPath, [CLI, ...rest, '--data-dir', dataDir], { cwd: ROOT, env })).stdout;
  const token = (await cli('token', 'create')).trim().split(/\s+/).pop()!;

  return {
    url,
    dataDir,
    output: () => output,
    exportPolicy: async () => JSON.parse(await cli('policy', 'export', '--format', 'chrome-linux', '--backend-url', url)),
    async api(path, init) {
      const response = await fetch(`${url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init?.headers },
      });
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status} ${await response.text()}`);
      return response.json();
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
