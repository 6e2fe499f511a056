import http from 'node:http';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  exitOf,
  isolatedStore,
  runCli,
  startServerProcess,
  waitForHttp,
  type IsolatedStore,
} from './processes.js';

let store: IsolatedStore;

beforeAll(async () => {
  store = await isolatedStore();
});
afterAll(() => store.cleanup());

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

describe('the server process', () => {
  it('finishes an in-flight request, then exits cleanly on SIGTERM', async () => {
    const bootstrap = JSON.parse((await runCli(['bootstrap', '--json'], store.env)).stdout) as {
      testKey: string;
    };
    const port = await freePort();
    const server = startServerProcess({ ...store.env, PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitForHttp(`http://127.0.0.1:${port}/healthz`);

      // A request whose body is still arriving when the signal lands.
      const body = JSON.stringify({ name: 'In Flight', email: 'inflight@example.com' });
      const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path: '/v1/customers',
            headers: {
              authorization: `Bearer ${bootstrap.testKey}`,
              'content-type': 'application/json',
              'content-length': Buffer.byteLength(body),
            },
          },
          (res) => {
            let text = '';
            res.on('data', (chunk: Buffer) => (text += chunk.toString()));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
          },
        );
        request.on('error', reject);
        request.write(body.slice(0, 10));
        setTimeout(() => {
          server.kill('SIGTERM');
          setTimeout(() => request.end(body.slice(10)), 300);
        }, 300);
      });

      const answered = await response;
      expect(answered.status, answered.text).toBe(200);
      expect(JSON.parse(answered.text)).toMatchObject({ object: 'customer', name: 'In Flight' });
      expect(await exitOf(server)).toBe(0);
      expect(server.output()).toContain('shutting down');
      // Structured logs never carry the key.
      expect(server.output()).not.toContain(bootstrap.testKey);
    } finally {
      if (server.exitCode === null) server.kill('SIGKILL');
    }
  });
});
