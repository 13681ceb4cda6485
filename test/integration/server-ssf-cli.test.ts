/**
 * Shared Signals as an admin sets it up (issue #12): `session-guard ssf add` with the
 * receiver's token in a file, then `serve --public-url`, the way the README says. A
 * verdict about a verified user reaches a loopback receiver that discovers the running
 * backend's configuration and verifies the SET against its JWKS; no command prints the
 * token, and `ssf list`/`ssf remove` work on the same store.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../src/server/cli';
import type { CliIo } from '../../src/server/cli/io';
import { openStore } from '../../src/server/db/open-store';
import { CAEP_SESSION_REVOKED } from '../../src/server/ssf/set';
import { startFakeSsfReceiver, type FakeSsfReceiver } from '../fakes/fake-ssf-receiver';
import { enrollRequest, fakeDevice, signedHeaders } from '../fixtures/server/fake-device';
import { fakeDownloadBurst } from '../fixtures/server/fake-signals';

const TOKEN = `ssf-bearer-${randomBytes(16).toString('hex')}`;
const AUDIENCE = 'https://example.okta.com';

function captureIo() {
  let stop: (signal: string) => void = () => undefined;
  const out: string[] = [];
  const io: CliIo = {
    stdout: (text) => void out.push(text),
    stderr: (text) => void out.push(text),
    env: {
      SESSION_GUARD_TOR_EXIT_LIST: 'none',
      SESSION_GUARD_ADMIN_PASSWORD: 'ssf-cli-test-password',
      SESSION_GUARD_LOG_LEVEL: 'warn',
    },
    waitForShutdown: () => new Promise((resolve) => (stop = resolve)),
  };
  return { io, text: () => out.join('\n'), stop: () => stop('SIGTERM') };
}

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });

let dir: string;
let receiver: FakeSsfReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('session-guard ssf and serve --public-url', () => {
  it('a receiver added from the CLI gets a SET from the running backend that it verifies', async () => {
    dir = await mkdtemp(join(tmpdir(), 'sg-ssf-'));
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    receiver = await startFakeSsfReceiver({ issuer, audience: AUDIENCE, token: TOKEN });
    await writeFile(join(dir, 'token.txt'), `${TOKEN}\n`);
    await writeFile(
      join(dir, 'policy.json'),
      JSON.stringify({ detectors: { excessive_downloads: { maxFiles: 2, maxBytes: 1e12, windowSeconds: 60 } } }),
    );
    const add = captureIo();
    const store = ['--data-dir', dir];

    const added = await main(
      [
        'ssf',
        'add',
        '--url',
        receiver.url,
        '--token-file',
        join(dir, 'token.txt'),
        '--audience',
        AUDIENCE,
        '--allow-private-webhooks',
        ...store,
      ],
      add.io,
    );
    const list = captureIo();
    await main(['ssf', 'list', ...store], list.io);
    const serve = captureIo();
    const exit = main(
      [
        'serve',
        '--port',
        String(port),
        '--public-url',
        issuer,
        '--allow-private-webhooks',
        '--policy',
        join(dir, 'policy.json'),
        ...store,
      ],
      serve.io,
    );
    while (!serve.text().includes('Managed policy')) await new Promise((r) => setTimeout(r, 20));

    // A device whose user Slack verified, as Sign in with Slack leaves it in the store.
    const device = await fakeDevice();
    const opened = await openStore({ dataDir: dir, env: {} });
    const enrollment = JSON.stringify(enrollRequest(device, opened.secrets.enrollmentToken));
    const enrolled = await fetch(`${issuer}/v1/enroll`, {
      method: 'POST',
      body: enrollment,
      headers: await signedHeaders(device, enrollment),
    });
    await opened.db
      .updateTable('devices')
      .set({
        user_id: 'U0SGUARD01',
        verified_user_id: 'U0SGUARD01',
        verified_email: 'analyst@example.com',
        verified_at: Date.now(),
      })
      .where('id', '=', device.id)
      .execute();
    await opened.close();
    const batch = JSON.stringify({
      deviceId: device.id,
      batchId: randomUUID(),
      sentAt: Date.now(),
      signals: fakeDownloadBurst(3, Date.now()),
    });
    const sent = await fetch(`${issuer}/v1/signals`, {
      method: 'POST',
      body: batch,
      headers: await signedHeaders(device, batch),
    });
    const deadline = Date.now() + 15_000;
    while (receiver.received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const listed = captureIo();
    await main(['ssf', 'list', ...store], listed.io);
    serve.stop();

    expect(await exit).toBe(0);
    expect(added).toBe(0);
    expect([enrolled.status, sent.status]).toEqual([200, 200]);
    expect(receiver.refused).toEqual([]);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.claims).toMatchObject({
      iss: issuer,
      aud: AUDIENCE,
      sub_id: { format: 'email', email: 'analyst@example.com' },
    });
    expect(Object.keys(receiver.received[0]!.claims.events!)).toEqual([CAEP_SESSION_REVOKED]);
    expect(listed.text()).toContain('last=delivered');
    expect(list.text()).toContain(`token=…${TOKEN.slice(-4)}`);
    for (const output of [add.text(), list.text(), listed.text(), serve.text()]) expect(output).not.toContain(TOKEN);
    const id = /ssf receiver (\S+)/.exec(add.text())![1]!;
    const removed = captureIo();
    expect(await main(['ssf', 'remove', id, ...store], removed.io)).toBe(0);
    const after = captureIo();
    await main(['ssf', 'list', ...store], after.io);
    expect(after.text()).toBe('no SSF receivers');
  });
});
