import {
  customerFromImportRow,
  emailIdentity,
  mergeMetadata,
  readImportHeader,
  type CustomerCreate,
  type CustomerImportInput,
  type ImportColumn,
  type ImportReport,
  type ImportRowReport,
} from '@peasswap/domain';
import { sql } from 'drizzle-orm';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import { writeImportBatch, type ImportGroup } from '../queries/customer-import.js';
import type { Scope } from '../queries/scope.js';
import { readCsv, type CsvRecord } from './csv-reader.js';

/** Customers written per transaction: a 100,000-row file is 200 commits, none of them huge. */
export const IMPORT_BATCH_SIZE = 500;
/** Batch transactions running at once (each on its own connection of the pool). */
const BATCHES_IN_FLIGHT = 2;

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** A later row of the same email, applied on top of the earlier ones (onDuplicate=update). */
function fold(into: CustomerCreate, row: CustomerCreate) {
  const metadata = mergeMetadata(into.metadata ?? {}, row.metadata ?? {});
  if (!metadata.ok) return metadata;
  return {
    ok: true as const,
    value: {
      name: row.name,
      email: into.email,
      phone: row.phone ?? into.phone,
      description: row.description ?? into.description,
      metadata: metadata.value,
    },
  };
}

/**
 * The rows of one email identity, validated in file order: the first valid one leads the group, a
 * later one is, by `onDuplicate`, an error naming the leader's line, a follower skipped with it,
 * or an update folded into it. Answers the group, or none when no row of the email was valid.
 */
function groupOf(
  input: CustomerImportInput,
  columns: readonly ImportColumn[],
  records: readonly { record: CsvRecord; row: ImportRowReport }[],
): ImportGroup | undefined {
  let group: ImportGroup | undefined;
  for (const { record, row } of records) {
    const result = customerFromImportRow(columns, record.cells);
    if (!result.ok) {
      row.errors = result.errors;
      continue;
    }
    if (!group) {
      const identity = emailIdentity(result.customer.email);
      group = { identity, customer: result.customer, leader: row, followers: [] };
    } else if (input.onDuplicate === 'error') {
      row.errors = [
        {
          param: 'email',
          code: 'customer_email_taken',
          message: `Line ${group.leader.line} has the same email.`,
        },
      ];
    } else if (input.onDuplicate === 'skip') {
      row.status = 'skipped';
      group.followers.push(row);
    } else {
      const folded = fold(group.customer, result.customer);
      if (!folded.ok) {
        row.errors = [
          { param: 'metadata', code: folded.error.code, message: folded.error.message },
        ];
        continue;
      }
      group.customer = folded.value;
      row.status = 'updated';
      group.followers.push(row);
    }
  }
  return group;
}

/**
 * The file's groups, IMPORT_BATCH_SIZE at a time, validated as they are asked for, so the rows of
 * the next batch are checked while PostgreSQL writes the last one. Rows are grouped by the email
 * cell's identity first (the schema trims the email, and the identity trims and lower-cases it, so
 * the raw cell groups exactly as the validated email would); a group is formed whole, later rows
 * included, at its first row's place in the file.
 */
async function* batchesOf(
  input: CustomerImportInput,
  columns: readonly ImportColumn[],
  records: readonly CsvRecord[],
  rows: ImportRowReport[],
): AsyncGenerator<ImportGroup[]> {
  const emailAt = columns.findIndex(
    (column) => column.kind === 'field' && column.field === 'email',
  );
  const byIdentity = new Map<string, { record: CsvRecord; row: ImportRowReport }[]>();
  const order: { record: CsvRecord; row: ImportRowReport }[][] = [];
  for (const record of records) {
    const row: ImportRowReport = { line: record.line, status: 'error', errors: [] };
    rows.push(row);
    const identity = emailIdentity(record.cells[emailAt] ?? '');
    const same = byIdentity.get(identity);
    if (same) same.push({ record, row });
    else {
      const first = [{ record, row }];
      byIdentity.set(identity, first);
      order.push(first);
    }
  }
  let batch: ImportGroup[] = [];
  for (const members of order) {
    const group = groupOf(input, columns, members);
    if (!group) continue;
    batch.push(group);
    if (batch.length === IMPORT_BATCH_SIZE) {
      yield batch;
      batch = [];
      await nextTurn();
    }
  }
  if (batch.length > 0) yield batch;
}

/**
 * Import a CSV file of customers (SPEC §8). The whole file is parsed before anything is written,
 * so a malformed one (an unclosed quote) writes nothing. Its rows are then validated a batch at a
 * time and written in batches of IMPORT_BATCH_SIZE, each batch one transaction with its customers'
 * events: a failure midway leaves whole batches only, never part of one. Every row is validated
 * before its batch is written rather than written under a savepoint of its own (see
 * writeImportBatch), so a refused row never costs its batch neighbours anything. Under an
 * Idempotency-Key the request already runs in one transaction (idempotency.ts): the batches are
 * then savepoints of it, and a retry replays.
 */
export async function importCustomers(
  db: Executor,
  scope: Scope,
  outbox: Outbox,
  input: CustomerImportInput,
): Promise<ImportReport> {
  const [header, ...records] = await readCsv(input.csv);
  const columns = readImportHeader(header?.cells ?? []);
  if (!columns.ok) throw columns.error;
  const rows: ImportRowReport[] = [];
  const batches = batchesOf(input, columns.value, records, rows);

  const options = { onDuplicate: input.onDuplicate, dryRun: input.dryRun };
  const write = (batch: ImportGroup[]) =>
    input.dryRun
      ? writeImportBatch(db, scope, outbox, batch, options)
      : db.transaction((tx) => writeImportBatch(tx, scope, outbox, batch, options));

  // The first batch goes alone; if more follow, the table's statistics are refreshed before them:
  // a table that grows from nothing within one import (autovacuum looks once a minute; PGlite has
  // none) keeps the statistics of an empty one, and the planner then probes emails through
  // whichever index is smallest, reading the whole account for every batch.
  const first = await batches.next();
  if (first.done) return reportOf(input, rows);
  await write(first.value);
  let pending = await batches.next();
  if (!pending.done) await db.execute(sql`analyze customers`);

  // Batches hold disjoint emails, so two in flight never wait on each other's locks: PostgreSQL
  // writes one while this process validates the next. Inside a transaction (an Idempotency-Key's)
  // they are savepoints of one connection, and go one at a time.
  const inFlight = db instanceof PgTransaction ? 1 : BATCHES_IN_FLIGHT;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (;;) {
      if (failure) return;
      const next = pending.done ? await batches.next() : pending;
      pending = { done: true, value: undefined };
      if (next.done) return;
      try {
        await write(next.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // A failure stops new batches; the one still in flight finishes (whole) before it is reported.
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (failure) throw failure.error;
  return reportOf(input, rows);
}

function reportOf(input: CustomerImportInput, rows: ImportRowReport[]): ImportReport {
  const count = (status: ImportRowReport['status']) =>
    rows.reduce((n, row) => (row.status === status ? n + 1 : n), 0);
  return {
    object: 'customer_import',
    dryRun: input.dryRun,
    created: count('created'),
    updated: count('updated'),
    skipped: count('skipped'),
    errors: count('error'),
    rows,
  };
}
