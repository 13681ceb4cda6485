/**
 * A reverse proxy in front of the backend that forwards plain HTTP and refuses WebSocket
 * upgrades: the network a device meets behind some corporate proxies, where verdicts can
 * only arrive through the poll.
 */
import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpOnlyProxy {
  url: string;
  refusedUpgrades: () => number;
  close(): Promise<void>;
}

export async function startHttpOnlyProxy(target: string): Promise<HttpOnlyProxy> {
  const upstream = new URL(target);
  let refused = 0;
  const server = createServer((req: IncomingMessage, res) => {
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.writeHead(502).end());
    req.pipe(forward);
  });
  server.on('upgrade', (_req, socket) => {
    refused += 1;
    socket.end('HTTP/1.1 403 Forbidden\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    refusedUpgrades: () => refused,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
