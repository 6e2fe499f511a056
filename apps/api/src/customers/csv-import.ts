import {
  customerFromImportRow,
  emailIdentity,
  mergeMetadata,
  readImportHeader,
  type CustomerCreate,
  type CustomerImportInput,
  type ImportReport,
  type ImportRowReport,
} from '@peasswap/domain';
import { PgTransaction } from 'drizzle-orm/pg-core';
import type { Executor } from '../db/client.js';
import type { Outbox } from '../events/outbox.js';
import { writeImportBatch, type ImportGroup } from '../queries/customer-import.js';
import type { Scope } from '../queries/scope.js';
import { readCsv } from './csv-reader.js';

/** Customers written per transaction: a 100,000-row file is 200 commits, none of them huge. */
export const IMPORT_BATCH_SIZE = 500;
/** Batch transactions running at once (each on its own connection of the pool). */
const BATCHES_IN_FLIGHT = 2;
/** Rows validated between two turns of the event loop. */
const VALIDATION_SLICE = 2_000;

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
 * Validate every row and group the valid ones by email identity, in file order. A later row of an
 * email already seen is, by `onDuplicate`: an error naming the first row's line, a follower
 * skipped with it, or an update folded into it.
 */
async function groupRows(input: CustomerImportInput) {
  const [header, ...records] = await readCsv(input.csv);
  const columns = readImportHeader(header?.cells ?? []);
  if (!columns.ok) throw columns.error;

  const rows: ImportRowReport[] = [];
  const groups = new Map<string, ImportGroup>();
  for (const [index, record] of records.entries()) {
    if (index % VALIDATION_SLICE === VALIDATION_SLICE - 1) await nextTurn();
    const row: ImportRowReport = { line: record.line, status: 'error', errors: [] };
    rows.push(row);
    const result = customerFromImportRow(columns.value, record.cells);
    if (!result.ok) {
      row.errors = result.errors;
      continue;
    }
    const identity = emailIdentity(result.customer.email);
    const group = groups.get(identity);
    if (!group) {
      groups.set(identity, { identity, customer: result.customer, leader: row, followers: [] });
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
  return { rows, groups: [...groups.values()] };
}

/**
 * Import a CSV file of customers (SPEC §8). The file is read and every row validated before
 * anything is written, so a malformed file writes nothing. The valid rows are then written in
 * batches of IMPORT_BATCH_SIZE, each batch one transaction with its customers' events: a failure
 * midway leaves whole batches only, never part of one. Every row is pre-validated rather than
 * written under a savepoint of its own (see writeImportBatch), so a refused row never costs its
 * batch neighbours anything. Under an Idempotency-Key the request already runs in one
 * transaction (idempotency.ts): the batches are then savepoints of it, and a retry replays.
 */
export async function importCustomers(
  db: Executor,
  scope: Scope,
  outbox: Outbox,
  input: CustomerImportInput,
): Promise<ImportReport> {
  const { rows, groups } = await groupRows(input);
  const options = { onDuplicate: input.onDuplicate, dryRun: input.dryRun };
  const batches: ImportGroup[][] = [];
  for (let at = 0; at < groups.length; at += IMPORT_BATCH_SIZE) {
    batches.push(groups.slice(at, at + IMPORT_BATCH_SIZE));
  }
  const write = (batch: ImportGroup[]) =>
    input.dryRun
      ? writeImportBatch(db, scope, outbox, batch, options)
      : db.transaction((tx) => writeImportBatch(tx, scope, outbox, batch, options));
  // Batches hold disjoint emails, so two in flight never wait on each other's locks: PostgreSQL
  // writes one while this process prepares the next. Inside a transaction (an Idempotency-Key's)
  // they are savepoints of one connection, and go one at a time.
  const inFlight = db instanceof PgTransaction ? 1 : BATCHES_IN_FLIGHT;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < batches.length && !failure) {
      const batch = batches[next++] ?? [];
      try {
        await write(batch);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  // A failure stops new batches; the one still in flight finishes (whole) before it is reported.
  await Promise.all(Array.from({ length: inFlight }, worker));
  if (failure) throw failure.error;
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
