import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  splitLink,
  type HTTPHeaders,
  type TRPCClient,
} from '@trpc/client';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';
import { idempotencyKeyOf, retryLink, type RetryOptions } from './retry.js';
import type { AppRouter } from './router.js';

/** The typed client: `client.customers.create.mutate({...})`, `client.customers.list.query()`. */
export type PeasSwapClient = TRPCClient<AppRouter>;
/** Every procedure's input: `RouterInputs['customers']['create']`. */
export type RouterInputs = inferRouterInputs<AppRouter>;
/** Every procedure's output: `RouterOutputs['customers']['retrieve']`. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;

/** The `fetch` the client calls: the platform's by default. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export interface PeasSwapClientOptions {
  /** Where the API is served: `https://customers.example.com`; `''` for the page's own origin. */
  baseUrl: string;
  /**
   * A secret (`sk_test_...`, `sk_live_...`) or restricted (`rk_...`) key, sent as
   * `Authorization: Bearer`. Leave it out to use a dashboard session cookie instead.
   */
  apiKey?: string;
  /** A `fetch` of your own (a proxy, a test double, instrumentation). */
  fetch?: FetchLike;
  /** Extra headers on every request, or a function read before each request. */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Send cookies cross-origin (`'include'`) for a session transport on another origin. */
  credentials?: RequestCredentials;
  /** Retries on network errors, 409 `idempotency_key_in_use`, 429 and 5xx. */
  retry?: RetryOptions;
  /** Queries made in the same tick share one HTTP request (default true). Mutations never do. */
  batchQueries?: boolean;
}

function baseFetch(options: PeasSwapClientOptions): FetchLike {
  const fetchImpl = options.fetch ?? ((url, init) => globalThis.fetch(url, init));
  const { credentials } = options;
  if (credentials === undefined) return fetchImpl;
  return (url, init) => fetchImpl(url, { ...init, credentials });
}

/**
 * A typed tRPC client of the whole PeasSwap router. Each mutation travels alone (an HTTP request
 * carries one Idempotency-Key, so a batch of several changes could not have one each) with a
 * random `Idempotency-Key`, the same on all its retries; queries may share a batch.
 */
export function createPeasSwapClient(options: PeasSwapClientOptions): PeasSwapClient {
  const url = `${options.baseUrl.replace(/\/+$/, '')}/trpc`;
  const fetch = baseFetch(options);
  const common = (): Record<string, string> => {
    const extra = typeof options.headers === 'function' ? options.headers() : options.headers;
    return {
      ...extra,
      ...(options.apiKey !== undefined && { authorization: `Bearer ${options.apiKey}` }),
    };
  };
  const mutationHeaders = ({ op }: { op: { context: Record<string, unknown> } }): HTTPHeaders => {
    const key = idempotencyKeyOf(op.context);
    return { ...common(), ...(key !== undefined && { 'idempotency-key': key }) };
  };
  const single = httpLink<AppRouter>({ url, fetch, headers: mutationHeaders });
  return createTRPCClient<AppRouter>({
    links: [
      retryLink(options.retry),
      splitLink({
        condition: (op) => op.type !== 'mutation' && options.batchQueries !== false,
        true: httpBatchLink({ url, fetch, headers: common }),
        false: single,
      }),
    ],
  });
}
