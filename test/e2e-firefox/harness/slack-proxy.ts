/**
 * Firefox has no host-resolver flag, so Slack's hosts reach the fake Slack through a
 * proxy: a PAC file (served here) sends `slack.com`, `*.slack.com` and `*.slack-files.com`
 * to this CONNECT proxy, which tunnels every such connection to the fake Slack on
 * loopback; everything else goes direct. TLS stays end to end (the browser checks the
 * fake's certificate, trusted through the `Certificates` policy).
 */
import { createServer, type IncomingMessage } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';

export interface SlackProxy {
  pacUrl: string;
  /** Hosts the browser asked the proxy to reach. */
  tunnels: string[];
  close(): Promise<void>;
}

const PAC = (port: number) => `function FindProxyForURL(url, host) {
  if (host === 'slack.com' || dnsDomainIs(host, '.slack.com') || host === 'slack-files.com' || dnsDomainIs(host, '.slack-files.com'))
    return 'PROXY 127.0.0.1:${port}';
  return 'DIRECT';
}`;

export async function startSlackProxy(fakeSlackPort: number): Promise<SlackProxy> {
  const tunnels: string[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    if (req.url === '/proxy.pac') {
      res.writeHead(200, { 'content-type': 'application/x-ns-proxy-autoconfig' });
      return void res.end(PAC((server.address() as AddressInfo).port));
    }
    res.writeHead(404).end();
  });
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    tunnels.push((req.url ?? '').split(':')[0] ?? '');
    const upstream = connect(fakeSlackPort, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => (s === client ? upstream : client).destroy());
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    pacUrl: `http://127.0.0.1:${port}/proxy.pac`,
    tunnels,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
