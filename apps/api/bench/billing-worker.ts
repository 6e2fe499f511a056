import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { sql } from 'drizzle-orm';
import { processorDecider } from '../src/billing/charges.js';
import { runBilling } from '../src/billing/engine.js';
import { openDatabase, rowsOf } from '../src/db/client.js';
import { simulatedProcessor } from '../src/payments/processor.js';

/**
 * One billing process of the renewal benchmark: what `pnpm cli billing run` does (the engine's
 * `runBilling` with the simulated processor, in every account), but started ahead of time so
 * only the pass is timed, not Node's and tsx's start. It connects, says `ready`, waits for `go`
 * on stdin (so several processes start their passes together), runs one pass and prints one JSON
 * line: the pass's result and how long its two phases took (claiming what is due and recording
 * the attempts, then finishing them), split by the engine's own hook between the two, and the CPU
 * time this process and its PostgreSQL backend spent (the rest of the wall time is waiting: round
 * trips, commits, the other processes on these two CPUs).
 */
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('DATABASE_URL is required');

// One connection, so one backend does all of this process's work.
const handle = await openDatabase({ databaseUrl, dataDir: 'unused', poolSize: 1 });
const [backend] = rowsOf<{ pid: number }>(
  await handle.db.execute(sql`select pg_backend_pid() as pid`),
);

/** CPU seconds the backend has used so far, from /proc (null when the server is not local). */
function backendCpuSeconds(): number | null {
  try {
    const fields = readFileSync(`/proc/${backend?.pid}/stat`, 'utf8').split(') ')[1]?.split(' ');
    // utime and stime, fields 14 and 15 of stat(5), in clock ticks of 1/100 s on Linux.
    return (Number(fields?.[11]) + Number(fields?.[12])) / 100;
  } catch {
    return null;
  }
}
const lines = createInterface({ input: process.stdin });
process.stdout.write('ready\n');
for await (const line of lines) if (line.trim() === 'go') break;
lines.close();

const backendBefore = backendCpuSeconds();
const cpuBefore = process.cpuUsage();
const started = performance.now();
let claimed = started;
const run = await runBilling(handle.db, {
  at: new Date(),
  decide: processorDecider(simulatedProcessor),
  onAttemptRecorded: () => {
    claimed = performance.now();
  },
});
const finished = performance.now();
const cpu = process.cpuUsage(cpuBefore);
const backendAfter = backendCpuSeconds();
await handle.close();
process.stdout.write(
  `${JSON.stringify({
    run,
    seconds: (finished - started) / 1000,
    claimSeconds: (claimed - started) / 1000,
    finishSeconds: (finished - claimed) / 1000,
    nodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
    backendCpuSeconds:
      backendBefore === null || backendAfter === null ? null : backendAfter - backendBefore,
  })}\n`,
);
