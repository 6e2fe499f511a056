import autocannon from 'autocannon';
import { percentile } from './scratch.js';

/**
 * One load run with autocannon on loopback: a fixed number of connections for a fixed time.
 * autocannon's own latency histogram counts whole milliseconds, too coarse for sub-millisecond
 * answers, so every 2xx response time is also kept here and the percentiles computed exactly.
 */
export interface LoadRequest {
  method: 'GET' | 'POST';
  path: string;
  body?: string;
}

export interface LoadResult {
  requestsPerSecond: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
}

export function runLoad(options: {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  next: () => LoadRequest;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.seconds,
        timeout: 30,
        headers: options.headers,
        requests: [
          {
            // Called before every request: a fresh path (and body) from the scenario each time.
            setupRequest: (request) => {
              const next = options.next();
              return {
                ...request,
                method: next.method,
                path: next.path,
                ...(next.body !== undefined && { body: next.body }),
              };
            },
          },
        ],
      },
      (error: unknown, result) => {
        if (error) return reject(new Error('autocannon failed', { cause: error }));
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requestsPerSecond: latencies.length / result.duration,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
          ok: latencies.length,
          non2xx,
          errors: result.errors,
        });
      },
    );
    instance.on('response', (_client, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx += 1;
    });
  });
}
