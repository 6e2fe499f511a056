// Must not compile: `emial` is not a field of customers.create (the pack test expects tsc to
// fail here, naming it).
import { createPeasSwapClient } from '@peasswap/client';

const client = createPeasSwapClient({ baseUrl: 'http://127.0.0.1:3000', apiKey: 'sk_test_x' });
await client.customers.create.mutate({ name: 'Ada Lovelace', emial: 'ada@example.com' });
