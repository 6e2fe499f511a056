// A merchant's script: only `typescript` and `@peasswap/client` are installed (no @types/node).
import { createPeasSwapClient, PeasSwapError, type RouterOutputs } from '@peasswap/client';

declare const process: { env: Record<string, string | undefined>; exitCode?: number };

type Customer = RouterOutputs['customers']['retrieve'];

const baseUrl = process.env.PEASSWAP_BASE_URL ?? 'http://127.0.0.1:3000';
const apiKey = process.env.PEASSWAP_API_KEY ?? '';

const client = createPeasSwapClient({ baseUrl, apiKey });

// Create, then page through the list two at a time.
const created: Customer[] = [];
for (const name of ['Ada Lovelace', 'Grace Hopper', 'Alan Turing']) {
  const email = `${name.split(' ')[0]?.toLowerCase()}@example.com`;
  created.push(await client.customers.create.mutate({ name, email, metadata: { plan: 'pro' } }));
}
const firstPage = await client.customers.list.query({ limit: 2 });
const last = firstPage.data.at(-1);
const secondPage = last
  ? await client.customers.list.query({ limit: 2, startingAfter: last.id })
  : undefined;

// A create whose answer is lost on the way back: the server made the customer, the client saw a
// network error, retried with the same Idempotency-Key and got the first answer replayed.
const attempts: { idempotencyKey: string | null; replayed: string | null }[] = [];
let answerLost: Customer | undefined;
const flakyNetwork = createPeasSwapClient({
  baseUrl,
  apiKey,
  retry: { initialDelayMs: 50 },
  fetch: async (input, init) => {
    const response = await fetch(input, init);
    attempts.push({
      idempotencyKey: new Headers(init?.headers).get('idempotency-key'),
      replayed: response.headers.get('idempotent-replayed'),
    });
    if (attempts.length === 1) {
      answerLost = ((await response.json()) as { result: { data: Customer } }).result.data;
      throw new TypeError('fetch failed: connection reset');
    }
    return response;
  },
});
const retried = await flakyNetwork.customers.create.mutate({
  name: 'Katherine Johnson',
  email: 'katherine@example.com',
});
const katherines = await client.customers.list.query({ email: 'katherine@example.com' });

// A typed error: every failure is one PeasSwapError with the API's type, code and param.
let refused: Pick<PeasSwapError, 'type' | 'code' | 'param' | 'status' | 'requestId'> | undefined;
try {
  await client.customers.create.mutate({ name: 'Nobody', email: 'not-an-email' });
} catch (error) {
  if (!(error instanceof PeasSwapError)) throw error;
  if (error.code === 'email_invalid') {
    const { type, code, param, status, requestId } = error;
    refused = { type, code, param, status, requestId };
  }
}

console.log(
  JSON.stringify({
    created: created.map((customer) => customer.id),
    firstPage: { ids: firstPage.data.map((c) => c.id), hasMore: firstPage.hasMore },
    secondPage: secondPage && {
      ids: secondPage.data.map((c) => c.id),
      hasMore: secondPage.hasMore,
    },
    replay: {
      attempts,
      firstAnswerId: answerLost?.id,
      retriedId: retried.id,
      stored: katherines.data.map((c) => c.id),
    },
    refused,
  }),
);
