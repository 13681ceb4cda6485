/**
 * A TCP pass-through in front of a real server (the test PostgreSQL) that a test can shut:
 * `block()` cuts every open connection and refuses new ones, as a database that went
 * away would; `unblock()` lets connections through again. The shared test cluster itself
 * is never stopped, so other test files keep their database.
 */
import { createServer, connect, type Socket } from 'node:net';

export interface TcpGate {
  port: number;
  block(): void;
  unblock(): void;
  /** Connections cut or refused while blocked. */
  refused(): number;
  close(): Promise<void>;
}

export async function tcpGate(target: { host: string; port: number }): Promise<TcpGate> {
  const open = new Set<Socket>();
  let blocked = false;
  let refused = 0;
  const server = createServer((client) => {
    if (blocked) {
      refused++;
      client.destroy();
      return;
    }
    const upstream = connect(target.port, target.host);
    for (const s of [client, upstream]) {
      open.add(s);
      s.on('close', () => open.delete(s));
      s.on('error', () => (s === client ? upstream : client).destroy());
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    block() {
      blocked = true;
      for (const s of open) {
        refused++;
        s.destroy();
      }
    },
    unblock: () => void (blocked = false),
    refused: () => refused,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}
