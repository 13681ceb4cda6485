/**
 * The HTTP floor of the ingest bench (issue #16): what one request costs the server with
 * no work behind it, GET /healthz over the same keep-alive HTTP/1.1 client, the same number
 * in flight. Compared with the parse+verify ceiling it bounds what ingest over HTTP can ever
 * reach on one process: ceiling ÷ (ceiling + floor), even if storing and detection were free.
 */
import { Agent, request } from 'node:http';
import type { Backend } from './backend';
import { pool } from './devices';

/** Server CPU milliseconds a GET /healthz, over `n` requests after a warm-up. */
export async function httpFloorMs(backend: Backend, inFlight: number, n = 4_000): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: inFlight });
  const get = () =>
    new Promise<void>((resolve, reject) => {
      const req = request(new URL('/healthz', backend.url), { agent }, (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`healthz: ${res.statusCode}`))));
      });
      req.on('error', reject);
      req.end();
    });
  try {
    await pool(500, inFlight, get);
    const before = backend.cpuMs();
    await pool(n, inFlight, get);
    return (backend.cpuMs() - before) / n;
  } finally {
    agent.destroy();
  }
}
