import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { openDatabase } from '../src/db/client.js';
import { createAccountWithKeys } from '../src/queries/accounts.js';
import { measureImportCeiling, type ImportCeiling } from './import-ceiling.js';
import { withScratchDatabase } from './scratch.js';
import { startApi, type RunningServer } from './servers.js';

/**
 * CSV import and export in `pnpm bench` (`--only csv`), on a database of its own (created and
 * dropped here), through the real server over HTTP:
 * - import: one 100,000-row file (name, email, phone, description, metadata.plan) into an empty
 *   account, rows/s from the request sent to the report received; then the same file again as a
 *   dry run with onDuplicate=skip (every row read, validated and looked up, nothing written);
 * - export: the account filled to `exportRows` customers (the imported ones plus rows inserted in
 *   SQL), streamed by a freshly started server; rows/s, and the server's resident memory before
 *   and its peak (VmHWM) after, to show the export holds one page, not the file.
 */
const DATABASE = 'peasswap_bench_csv';
const IMPORT_ROWS = 100_000;

export interface CsvBenchReport {
  import: { rows: number; bytes: number; seconds: number; rowsPerSecond: number; created: number };
  dryRun: { rows: number; seconds: number; rowsPerSecond: number; skipped: number };
  /** The same number of rows written bare, from a script, into a second account (see import-ceiling.ts). */
  importCeiling: ImportCeiling;
  export: {
    rows: number;
    bytes: number;
    seconds: number;
    rowsPerSecond: number;
    rssBeforeMiB: number;
    peakRssMiB: number;
    /** The server's RSS after each tenth of the rows had arrived: flat when memory is constant. */
    rssByTenthMiB: number[];
  };
}

function memoryMiB(pid: number | undefined, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
  return Math.round((kib / 1024) * 10) / 10;
}

function importFile(rows: number): string {
  const lines = ['name,email,phone,description,metadata.plan'];
  for (let i = 0; i < rows; i++) {
    const phone = `+1415${String(2_000_000 + i).padStart(7, '0')}`;
    lines.push(
      `Customer ${i},customer.${i}@bench.example,${phone},"Imported, row ${i}",${i % 2 ? 'pro' : 'free'}`,
    );
  }
  return `${lines.join('\n')}\n`;
}

async function timedImport(server: RunningServer, key: string, csv: string, query: string) {
  const started = performance.now();
  const response = await fetch(`${server.url}/v1/customers/import${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const report = (await response.json()) as {
    created: number;
    skipped: number;
    errors: number;
  };
  const seconds = (performance.now() - started) / 1000;
  if (response.status !== 200 || report.errors > 0) {
    throw new Error(`import answered ${response.status}: ${JSON.stringify(report).slice(0, 500)}`);
  }
  return { report, seconds };
}

/** The rest of the export's rows, straight into the table (the import is measured above). */
async function fillTo(sql: postgres.Sql, accountId: string, from: number, to: number) {
  await sql`
    insert into customers (id, account_id, livemode, name, email, email_identity, phone,
      description, metadata, mailbox_identity, name_key, created_at, updated_at)
    select 'cus_bench' || lpad(n::text, 15, '0'), ${accountId}, false, 'Filled ' || n,
      'filled.' || n || '@bench.example', 'filled.' || n || '@bench.example',
      '+1628' || lpad(n::text, 7, '0'), case when n % 3 = 0 then '=SUM(A1)' else null end,
      jsonb_build_object('plan', 'free'), 'filled.' || n || '@bench.example', 'filled ' || n,
      now() - n * interval '1 second', now()
    from generate_series(${from}::int, ${to - 1}::int) as n
  `;
}

export async function runCsvBench(options: {
  adminUrl: string;
  exportRows: number;
  log: (line: string) => void;
}): Promise<CsvBenchReport> {
  return withScratchDatabase(options.adminUrl, DATABASE, (databaseUrl) =>
    measureCsv(databaseUrl, options),
  );
}

async function measureCsv(
  databaseUrl: string,
  options: { exportRows: number; log: (line: string) => void },
): Promise<CsvBenchReport> {
  const { log } = options;
  const handle = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 2 });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => undefined });
  let server: RunningServer | undefined;
  try {
    await handle.migrate();
    const { account, testKey } = await createAccountWithKeys(handle.db, 'CSV bench');
    server = await startApi(databaseUrl);

    const csv = importFile(IMPORT_ROWS);
    log(`csv: importing ${IMPORT_ROWS} rows (${(csv.length / 2 ** 20).toFixed(1)} MiB)`);
    const imported = await timedImport(server, testKey.secret, csv, '');
    log(`csv: imported in ${imported.seconds.toFixed(2)} s`);
    log(`csv: dry run of the same file (onDuplicate=skip)`);
    const dry = await timedImport(server, testKey.secret, csv, '?dryRun=true&onDuplicate=skip');
    log(`csv: dry run in ${dry.seconds.toFixed(2)} s`);
    const ceilingAccount = await createAccountWithKeys(handle.db, 'CSV bench ceiling');
    const importCeiling = await measureImportCeiling(
      databaseUrl,
      ceilingAccount.account.id,
      IMPORT_ROWS,
    );
    log(`csv: the import's bare SQL ceiling: ${importCeiling.seconds.toFixed(2)} s`);

    const exportRows = Math.max(options.exportRows, IMPORT_ROWS);
    log(`csv: filling the account to ${exportRows} customers for the export`);
    await fillTo(sql, account.id, IMPORT_ROWS, exportRows);
    await sql`vacuum analyze customers`;
    // A fresh process, so its peak memory is the export's alone, not the import's.
    await server.stop();
    server = await startApi(databaseUrl);
    const rssBeforeMiB = memoryMiB(server.pid, 'VmRSS');
    log(`csv: exporting ${exportRows} customers`);
    const started = performance.now();
    const response = await fetch(`${server.url}/v1/customers/export.csv`, {
      headers: { authorization: `Bearer ${testKey.secret}` },
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`export answered ${response.status}`);
    }
    let bytes = 0;
    let newlines = 0;
    const rssByTenthMiB: number[] = [];
    const tenth = Math.floor(exportRows / 10);
    for await (const chunk of response.body) {
      const bytesOfChunk = chunk as Uint8Array;
      bytes += bytesOfChunk.length;
      for (const byte of bytesOfChunk) {
        if (byte !== 10) continue;
        newlines += 1;
        if (newlines % tenth === 0) rssByTenthMiB.push(memoryMiB(server.pid, 'VmRSS'));
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const peakRssMiB = memoryMiB(server.pid, 'VmHWM');
    // Quoted descriptions hold no newline here, so lines are the header plus one per customer.
    const rows = newlines - 1;
    if (rows !== exportRows) throw new Error(`export sent ${rows} rows, not ${exportRows}`);
    return {
      import: {
        rows: IMPORT_ROWS,
        bytes: Buffer.byteLength(csv),
        seconds: round(imported.seconds),
        rowsPerSecond: Math.round(IMPORT_ROWS / imported.seconds),
        created: imported.report.created,
      },
      dryRun: {
        rows: IMPORT_ROWS,
        seconds: round(dry.seconds),
        rowsPerSecond: Math.round(IMPORT_ROWS / dry.seconds),
        skipped: dry.report.skipped,
      },
      importCeiling,
      export: {
        rows,
        bytes,
        seconds: round(seconds),
        rowsPerSecond: Math.round(rows / seconds),
        rssBeforeMiB,
        peakRssMiB,
        rssByTenthMiB,
      },
    };
  } finally {
    await server?.stop();
    await sql.end();
    await handle.close();
  }
}

const round = (value: number) => Math.round(value * 100) / 100;
