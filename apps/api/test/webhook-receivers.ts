import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as a webhook receiver got it: its headers and its exact body. */
export interface Received {
  headers: Record<string, string>;
  body: string;
}

export type Answer = (request: Received, response: ServerResponse) => void;

/**
 * A real HTTP server on 127.0.0.1 standing in for a merchant's endpoint: it records every request
 * (and every TCP connection, even one that never became a request) and answers with `answer`,
 * which a test may swap at any time. 200 unless told otherwise.
 */
export interface Receiver {
  url: string;
  port: number;
  requests: Received[];
  connections: number;
  answer: Answer;
  close(): Promise<void>;
}

const ok: Answer = (_request, response) => response.end('ok');

export async function startReceiver(answer: Answer = ok): Promise<Receiver> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const received = {
        headers: flatHeaders(request.headers),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      receiver.requests.push(received);
      receiver.answer(received, response);
    });
  });
  server.on('connection', () => (receiver.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const receiver: Receiver = {
    url: `http://127.0.0.1:${port}/webhooks`,
    port,
    requests: [],
    connections: 0,
    answer,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}
