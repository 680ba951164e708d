import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

/** One request a stand-in web server received. */
export interface WebRequest {
  readonly method: string;
  /** Path and query. */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

/** A real HTTP server on a loopback address, standing in for a web site or a search API. */
export interface WebServer {
  /** `http://HOST:PORT` without a trailing slash. */
  readonly origin: string;
  readonly host: string;
  readonly port: number;
  readonly requests: WebRequest[];
  /** Connections whose response was cut off by the client (e.g. at a byte cap or a timeout). */
  readonly aborted: { count: number };
}

/** What a route does with a request; it writes the whole response. */
export type WebHandler = (req: WebRequest, res: ServerResponse) => void | Promise<void>;

/** Start a server on `host` (default 127.0.0.1; any 127.x works on Linux), port 0; closed after the test. */
export async function startWebServer(t: TestContext, handler: WebHandler, host = '127.0.0.1'): Promise<WebServer> {
  const requests: WebRequest[] = [];
  const aborted = { count: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: WebRequest = { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) aborted.count++;
      });
      Promise.resolve(handler(recorded, res)).catch((err: Error) => res.destroy(err));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  t.after(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  return { origin: `http://${host}:${port}`, host, port, requests, aborted };
}

/** Answer with a status, a content type and a body. */
export function reply(res: ServerResponse, status: number, contentType: string, body: string | Buffer, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': contentType, ...headers });
  res.end(body);
}
