import type { Executor } from './client.js';

/** A transaction left open across several steps of one request, then committed or rolled back. */
export interface OpenTransaction {
  tx: Executor;
  /** Commit; resolves once the database has committed (and rejects if it could not). */
  commit(): Promise<void>;
  /** Roll back everything done in `tx`; never rejects. */
  rollback(): Promise<void>;
}

class Rollback extends Error {}

/**
 * Begin a transaction whose end is decided later, by another piece of code (the HTTP edge opens
 * it before a request runs and ends it once the answer is known). Drizzle's transactions are
 * callback-scoped, so the callback simply waits for the verdict. On PGlite the transaction holds
 * the single connection until then; on PostgreSQL it holds one pooled connection.
 */
export async function openTransaction(db: Executor): Promise<OpenTransaction> {
  let verdict!: (commit: boolean) => void;
  const decided = new Promise<boolean>((resolve) => (verdict = resolve));
  let started!: (tx: Executor) => void;
  const opened = new Promise<Executor>((resolve) => (started = resolve));

  const finished = db.transaction(async (tx) => {
    started(tx);
    if (!(await decided)) throw new Rollback();
  });
  const tx = await Promise.race([opened, finished.then(() => opened)]);
  return {
    tx,
    commit: async () => {
      verdict(true);
      await finished;
    },
    rollback: async () => {
      verdict(false);
      await finished.catch(() => undefined);
    },
  };
}
