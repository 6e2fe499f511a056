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

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers: Record<string, string>;
  next: () => LoadRequest;
}

/** What one autocannon instance saw, before it is summed up: every 2xx latency kept. */
interface RawLoad {
  latencies: number[];
  seconds: number;
  non2xx: number;
  errors: number;
}

function load(options: LoadOptions): Promise<RawLoad> {
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
        resolve({ latencies, seconds: result.duration, non2xx, errors: result.errors });
      },
    );
    instance.on('response', (_client, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx += 1;
    });
  });
}

/** Requests/s summed over the runs (each over its own duration); percentiles over all answers. */
function summarise(runs: RawLoad[]): LoadResult {
  const sorted = Float64Array.from(runs.flatMap((run) => run.latencies)).sort();
  return {
    requestsPerSecond: runs.reduce((sum, run) => sum + run.latencies.length / run.seconds, 0),
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    ok: sorted.length,
    non2xx: runs.reduce((sum, run) => sum + run.non2xx, 0),
    errors: runs.reduce((sum, run) => sum + run.errors, 0),
  };
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  return summarise([await load(options)]);
}

/**
 * Several runs at once from this one process, e.g. one per API process, as a load balancer
 * would split the clients: `combined` adds their requests/s and takes the percentiles over every
 * answer; `each` is each run on its own, in the order given.
 */
export async function runLoadSplit(
  runs: LoadOptions[],
): Promise<{ combined: LoadResult; each: LoadResult[] }> {
  const raw = await Promise.all(runs.map((options) => load(options)));
  return { combined: summarise(raw), each: raw.map((run) => summarise([run])) };
}
