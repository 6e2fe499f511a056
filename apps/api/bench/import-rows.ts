/**
 * The CSV import's per-row JavaScript, without the database: read the file, validate each row,
 * compute its email identity and duplicate keys, and draw its customer and event ids. Run from
 * apps/api with `node --import tsx bench/import-rows.ts [rows] [repeats] [label]` (Node 24, and
 * `--cpu-prof` to see where the time goes); it prints µs per row for the whole and for each piece
 * whose label holds [label], best of the repeats.
 */
import {
  customerFromImportRow,
  emailIdentity,
  mailboxIdentity,
  nameKey,
  newId,
  readImportHeader,
} from '@peasswap/domain';
import { readCsv } from '../src/customers/csv-reader.js';
import { duplicateKeysOf } from '../src/queries/duplicate-keys.js';

const rows = Number(process.argv[2] ?? 100_000);
const repeats = Number(process.argv[3] ?? 3);
/** Only the measures whose label holds this text (all when absent). */
const only = process.argv[4] ?? '';

function csvOf(count: number): string {
  const lines = ['name,email,phone,description,metadata.plan'];
  for (let i = 1; i <= count; i++) {
    lines.push(
      `Customer ${i},customer.${i}@bench.example,+1415${String(2_000_000 + i).padStart(7, '0')},"Imported, row ${i}",pro`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function pipeline(text: string): Promise<number> {
  const [header, ...records] = await readCsv(text);
  const columns = readImportHeader(header?.cells ?? []);
  if (!columns.ok) throw columns.error;
  let valid = 0;
  for (const record of records) {
    const result = customerFromImportRow(columns.value, record.cells);
    if (!result.ok) continue;
    emailIdentity(result.customer.email);
    duplicateKeysOf(result.customer);
    newId('customer');
    newId('event');
    valid += 1;
  }
  return valid;
}

/**
 * The best wall time and the best CPU time (user + system, GC threads included) of the repeats:
 * on a machine shared with other work the CPU time is the steadier of the two.
 */
async function best(label: string, run: () => unknown): Promise<void> {
  if (!label.includes(only)) return;
  let wall = Infinity;
  let cpu = Infinity;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const startCpu = process.cpuUsage();
    await run();
    const used = process.cpuUsage(startCpu);
    wall = Math.min(wall, performance.now() - start);
    cpu = Math.min(cpu, (used.user + used.system) / 1000);
  }
  const perRow = (ms: number) => ((ms * 1000) / rows).toFixed(2).padStart(7);
  process.stdout.write(
    `${label.padEnd(24)} ${perRow(wall)} µs/row wall ${perRow(cpu)} µs/row CPU\n`,
  );
}

const text = csvOf(rows);
const records = (await readCsv(text)).slice(1);
const header = readImportHeader(['name', 'email', 'phone', 'description', 'metadata.plan']);
if (!header.ok) throw header.error;
const columns = header.value;
const customers = records.map((record) => {
  const result = customerFromImportRow(columns, record.cells);
  if (!result.ok) throw new Error(`line ${record.line}: ${JSON.stringify(result.errors)}`);
  return result.customer;
});
if ((await pipeline(text)) !== rows) throw new Error('Not every row was valid.');

await best('pipeline', () => pipeline(text));
await best('readCsv', () => readCsv(text));
await best('customerFromImportRow', () => {
  for (const record of records) customerFromImportRow(columns, record.cells);
});
await best('emailIdentity', () => {
  for (const customer of customers) emailIdentity(customer.email);
});
await best('mailboxIdentity', () => {
  for (const customer of customers) mailboxIdentity(customer.email);
});
await best('nameKey', () => {
  for (const customer of customers) nameKey(customer.name);
});
await best('newId x2', () => {
  for (let i = 0; i < rows; i++) {
    newId('customer');
    newId('event');
  }
});
