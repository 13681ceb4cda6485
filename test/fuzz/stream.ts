/**
 * Fuzzing the WebSocket verdict stream (issue #17) over real sockets against a listening
 * app (inject cannot speak WebSocket). Each run opens a stream, waits for the challenge,
 * sends one generated message (garbage text, JSON of the wrong shape, an authentication
 * with a forged signature or an unknown device, binary, a message over the 64 KiB limit)
 * and waits for the server's answer: a close with a 44xx code (or 1009, too big), or a
 * pong. The store must not change.
 */
import fc from 'fast-check';
import WebSocket from 'ws';
import { timingLine, type FuzzTarget, type RouteFigures } from './harness';
import { extremeValue } from './inputs';

const message: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record({ type: fc.constantFrom('auth', 'ping', 'x', ''), deviceId: extremeValue, signature: extremeValue })
    .map((v) => JSON.stringify(v)),
  fc
    .record({ deviceId: fc.constantFrom('known', 'unknown'), signature: fc.base64String({ maxLength: 100 }) })
    .map((v) => JSON.stringify({ type: 'auth', ...v })),
  fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)),
  fc.integer({ min: 64 * 1024 + 1, max: 200_000 }).map((n) => 'x'.repeat(n)),
);

function exchange(url: string, deviceId: string, payload: string | Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`no answer to ${String(payload).slice(0, 80)}`));
    }, 10_000);
    let challenged = false;
    socket.on('message', (data) => {
      const m = JSON.parse(String(data)) as { type: string };
      if (!challenged && m.type === 'challenge') {
        challenged = true;
        socket.send(typeof payload === 'string' ? payload.replace('"known"', JSON.stringify(deviceId)) : payload);
      } else if (m.type === 'pong') {
        clearTimeout(timer);
        socket.close();
        resolve('pong');
      }
    });
    socket.on('close', (code) => {
      clearTimeout(timer);
      resolve(String(code));
    });
    socket.on('error', () => undefined);
  });
}

export async function fuzzStream(target: FuzzTarget, runs: number): Promise<RouteFigures> {
  const address = await target.t.app.listen({ host: '127.0.0.1', port: 0 });
  const url = `${address.replace('http', 'ws')}/v1/stream`;
  const figures: RouteFigures = { route: 'WS /v1/stream', requests: 0, statuses: {} };
  const started = performance.now();
  const before = await target.fingerprint.mark();
  await fc.assert(
    fc.asyncProperty(message, async (payload) => {
      const answer = await exchange(url, target.device.id, payload);
      figures.requests++;
      figures.statuses[answer as unknown as number] = (figures.statuses[answer as unknown as number] ?? 0) + 1;
      if (!['pong', '4400', '4401', '1009'].includes(answer)) throw new Error(`stream answered ${answer}`);
    }),
    { numRuns: runs, endOnFailure: true },
  );
  if ((await target.fingerprint.mark()) !== before) throw new Error('fuzzing the stream changed the store');
  figures.refusedUnchanged = figures.requests - (figures.statuses['pong' as unknown as number] ?? 0);
  figures.ms = Math.round(performance.now() - started);
  console.log(timingLine(figures, target.dialect));
  return figures;
}
