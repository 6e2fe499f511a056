import type { LoadRequest } from './load.js';

/**
 * What is measured: each scenario makes the requests for one endpoint. The API and the ceiling
 * serve the same REST paths, so both get exactly the same request sequence.
 */
export interface Scenario {
  name: string;
  label: string;
  /** Also measured with one connection (latency, the p50 ≤ 10 ms targets). */
  oneConnection: boolean;
  /** Fresh request source per run; `server` keeps POSTed emails unique across servers. */
  requests: (server: string) => () => LoadRequest;
}

export interface ScenarioInputs {
  runTag: string;
  /** `phone` where the run samples it (the API bench does; a scenario needing it skips without). */
  sample: { id: string; email: string; name: string; phone?: string | null }[];
  cursorId: string;
  commonFragment: string;
  heavyCustomerId: string;
  heavyCustomerPayments: number;
}

function rotate<T>(items: T[]): () => T {
  let i = 0;
  return () => {
    const item = items[i % items.length];
    i += 1;
    if (item === undefined) throw new Error('nothing to rotate over');
    return item;
  };
}

const get = (path: string): LoadRequest => ({ method: 'GET', path });

/**
 * `grace@`: an email's start whose trigrams are a first name's, which 100,000 of the seeded
 * million customers hold, while no email starts with it.
 */
export const COMMON_TRIGRAMS_EMAIL_START = 'grace@';

/** "customer42.x1y2@example.com" → "customer42.x1y2@exa": the start of one customer's email. */
export function emailStart(email: string): string {
  return email.slice(0, email.indexOf('@') + 4);
}

/** "+14155550123" → "(415) 555-0123": a US phone typed the way people write it. */
export function typedPhone(phone: string): string {
  const national = phone.slice(2);
  return `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`;
}

/** "Ada Lovelace 123456" → "lovelace 123456": a surname and number, matching a handful of rows. */
export function rareFragment(name: string): string {
  return name.toLowerCase().split(' ').slice(1).join(' ');
}

export function buildScenarios(input: ScenarioInputs): Scenario[] {
  const ids = input.sample.map((c) => c.id);
  let created = 0;
  return [
    {
      name: 'retrieve',
      label: 'GET customer by id',
      oneConnection: false,
      requests: () => {
        const next = rotate(ids);
        return () => get(`/v1/customers/${next()}`);
      },
    },
    {
      name: 'list',
      label: 'list, first page',
      oneConnection: true,
      requests: () => () => get('/v1/customers'),
    },
    {
      name: 'list_page_1000',
      label: 'list, page 1,000 by cursor',
      oneConnection: true,
      requests: () => () => get(`/v1/customers?startingAfter=${input.cursorId}`),
    },
    {
      name: 'search_name_common',
      label: `search name fragment "${input.commonFragment}" (10% of rows match)`,
      oneConnection: true,
      requests: () => () => get(`/v1/customers?query=${encodeURIComponent(input.commonFragment)}`),
    },
    {
      name: 'search_name_rare',
      label: 'search name fragment "surname 123456" (a few rows match)',
      oneConnection: true,
      requests: () => {
        const next = rotate(input.sample.map((c) => rareFragment(c.name)));
        return () => get(`/v1/customers?query=${encodeURIComponent(next())}`);
      },
    },
    {
      name: 'search_at',
      label: `search "${COMMON_TRIGRAMS_EMAIL_START}" (an email's start; 10% of names hold "grace")`,
      oneConnection: true,
      requests: () => () =>
        get(`/v1/customers?query=${encodeURIComponent(COMMON_TRIGRAMS_EMAIL_START)}`),
    },
    {
      name: 'search_email_start',
      label: 'search "customer123456.tag@exa" (an email\'s start, one row)',
      oneConnection: true,
      requests: () => {
        const next = rotate(input.sample.map((c) => emailStart(c.email)));
        return () => get(`/v1/customers?query=${encodeURIComponent(next())}`);
      },
    },
    {
      name: 'search_phone',
      label: 'search "(415) 555-0123" (a typed phone, 100 rows)',
      oneConnection: true,
      requests: () => {
        const phones = input.sample.flatMap((c) => (c.phone ? [typedPhone(c.phone)] : []));
        const next = rotate(phones);
        return () => get(`/v1/customers?query=${encodeURIComponent(next())}`);
      },
    },
    {
      name: 'search_email',
      label: 'search by email (email=)',
      oneConnection: true,
      requests: () => {
        const next = rotate(input.sample.map((c) => c.email));
        return () => get(`/v1/customers?email=${encodeURIComponent(next())}`);
      },
    },
    {
      name: 'customer_payments',
      label: "customer's payments, first page",
      oneConnection: true,
      requests: () => {
        const next = rotate(ids);
        return () => get(`/v1/customers/${next()}/payments`);
      },
    },
    {
      name: 'analytics',
      label: `analytics, customer with ${input.heavyCustomerPayments.toLocaleString('en-US')} payments`,
      oneConnection: true,
      requests: () => () => get(`/v1/customers/${input.heavyCustomerId}/analytics`),
    },
    {
      name: 'create',
      label: 'POST customer (unique emails)',
      oneConnection: false,
      // One counter for every run (warm-ups included), so no email is ever sent twice.
      requests: (server) => () => {
        created += 1;
        return {
          method: 'POST',
          path: '/v1/customers',
          body: JSON.stringify({
            name: `Bench Customer ${created}`,
            email: `bench.${input.runTag}.${server}.${created}@example.com`,
          }),
        };
      },
    },
  ];
}
