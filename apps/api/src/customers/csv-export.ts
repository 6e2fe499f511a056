import { pipeline, Readable } from 'node:stream';
import { stringify, type Stringifier } from 'csv-stringify';
import type { Customer, CustomerExportQuery } from '@peasswap/domain';
import type { Executor } from '../db/client.js';
import { listCustomers } from '../queries/customers.js';
import type { Scope } from '../queries/scope.js';

/** Customers read per query: memory holds one page, whatever the number of customers. */
export const EXPORT_PAGE_SIZE = 1_000;

/**
 * The file's columns. Metadata is one column holding the customer's metadata as a JSON object:
 * keys differ from customer to customer, and naming them all as `metadata.<key>` columns would
 * need a full pass over the customers before the first line could be sent.
 */
export const EXPORT_COLUMNS = [
  'id',
  'name',
  'email',
  'phone',
  'description',
  'metadata',
  'created_at',
] as const;

const toRecord = (customer: Customer) => [
  customer.id,
  customer.name,
  customer.email,
  customer.phone ?? '',
  customer.description ?? '',
  JSON.stringify(customer.metadata),
  customer.createdAt,
];

/**
 * Every customer the list's filters match, newest first, as keyset pages of the list query itself:
 * each page starts after the previous page's last id, so customers created or deleted meanwhile
 * neither repeat nor shift a row. The first page is read before anything is sent, so a failure
 * there is still answered as an error, not as a cut-off file.
 */
export async function customerExportStream(
  db: Executor,
  scope: Scope,
  filters: CustomerExportQuery,
): Promise<Stringifier> {
  const read = (startingAfter: string | undefined) =>
    listCustomers(db, scope, { ...filters, limit: EXPORT_PAGE_SIZE, startingAfter });
  const first = await read(undefined);
  async function* records() {
    let page = first;
    for (;;) {
      for (const customer of page.data) yield toRecord(customer);
      const last = page.data.at(-1);
      if (!page.hasMore || !last) return;
      page = await read(last.id);
    }
  }
  // csv-stringify's escape_formulas prefixes a cell starting with =, +, -, @, tab or CR with a
  // quote, so a spreadsheet shows it as text instead of running it (CSV/formula injection).
  const stringifier = stringify({
    header: true,
    columns: [...EXPORT_COLUMNS],
    escape_formulas: true,
  });
  // A failure after the first line has gone can only cut the response short: the stream is
  // destroyed, and the client sees an incomplete transfer rather than a file that looks whole.
  return pipeline(Readable.from(records()), stringifier, () => undefined);
}
