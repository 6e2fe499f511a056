import type { FastifyBaseLogger } from 'fastify';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Executor } from '../../db/client.js';
import { countFailures, takePoints, type CountedWindow } from '../../queries/rate-limits.js';
import { KeyLeases } from './rate-limit-lease.js';

/**
 * Where rate-limit counts live. `memory`: in this process (PGlite's default: one process has the
 * database anyway). `database`: in rate_limit_counters, shared by every process on the database
 * (PostgreSQL's default), at no round trip per request: per-key limits are spent from leases
 * (rate-limit-lease.ts) and per-address failure budgets are checked against what this process
 * knows, which every count's NOTIFY keeps current.
 *
 * When the database fails the limiter (an error, or no answer within STORE_TIMEOUT_MS), the API
 * stays up: it logs the failure once and counts in this process's memory instead, so each process
 * still enforces the limits on its own (a key may then get up to one limit per process), and
 * tries the database again after STORE_RETRY_MS.
 */
export type RateLimitStore = 'memory' | 'database';

export const STORE_TIMEOUT_MS = 1000;
export const STORE_RETRY_MS = 5000;

/**
 * A per-key limit: `consume` answers 0 when the request may go ahead, else ms until it may; at
 * once when it can (no promise on a request's usual way).
 */
export interface KeyLimit {
  consume(key: string): number | Promise<number>;
}

/** A per-address failure budget. */
export interface FailureCount {
  /** Milliseconds until `client` may try `attempts` more times, or 0 when it may now. */
  waitFor(client: string, attempts: number): number | Promise<number>;
  record(client: string, failures: number): Promise<void>;
}

/** At most `points` within `windowSeconds` of the first. */
export interface Budget {
  points: number;
  windowSeconds: number;
}

export class MemoryKeyLimit implements KeyLimit {
  private readonly limiter: RateLimiterMemory;

  constructor(budget: Budget) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: 'key',
      points: budget.points,
      duration: budget.windowSeconds,
    });
  }

  async consume(key: string): Promise<number> {
    try {
      await this.limiter.consume(key);
      return 0;
    } catch (refusal) {
      if (!(refusal instanceof RateLimiterRes)) throw refusal;
      return Math.max(1, refusal.msBeforeNext);
    }
  }
}

/** Failures counted per address in a fixed window; entries expire with their window. */
export class MemoryFailureCount implements FailureCount {
  private readonly limiter: RateLimiterMemory;

  constructor(
    name: string,
    private readonly budget: Budget,
  ) {
    this.limiter = new RateLimiterMemory({
      keyPrefix: name,
      points: budget.points,
      duration: budget.windowSeconds,
    });
  }

  async waitFor(client: string, attempts: number): Promise<number> {
    const counted = await this.limiter.get(client);
    if (!counted || counted.consumedPoints + attempts <= this.budget.points) return 0;
    return Math.max(1, counted.msBeforeNext);
  }

  async record(client: string, failures: number): Promise<void> {
    await this.limiter.penalty(client, failures);
  }
}

/** Whether the database is serving the limiter, logged once per outage. */
export class StoreHealth {
  private downUntil = 0;
  private down = false;

  constructor(private readonly log: FastifyBaseLogger) {}

  available(): boolean {
    return Date.now() >= this.downUntil;
  }

  failed(error: unknown): void {
    this.downUntil = Date.now() + STORE_RETRY_MS;
    if (this.down) return;
    this.down = true;
    this.log.error(
      { err: error },
      'rate limits: the database failed the shared counters; counting in this process until it answers',
    );
  }

  succeeded(): void {
    if (!this.down) return;
    this.down = false;
    this.log.info('rate limits: the database answers again; counting in it');
  }

  /** `work`, or a rejection once it has not answered within STORE_TIMEOUT_MS. */
  async answer<T>(work: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer within ${STORE_TIMEOUT_MS} ms`)),
        STORE_TIMEOUT_MS,
      );
    });
    try {
      const answer = await Promise.race([work, timeout]);
      this.succeeded();
      return answer;
    } finally {
      clearTimeout(timer);
    }
  }
}

/** A per-key limit shared through the database, spent from leases; memory while it fails. */
export class SharedKeyLimit implements KeyLimit {
  private readonly leases: KeyLeases;
  private readonly fallback: MemoryKeyLimit;

  constructor(
    db: Executor,
    prefix: string,
    budget: Budget,
    private readonly health: StoreHealth,
  ) {
    this.leases = new KeyLeases(budget.points, (key, want) =>
      health.answer(takePoints(db, prefix + key, want, budget.points, budget.windowSeconds)),
    );
    this.fallback = new MemoryKeyLimit(budget);
  }

  consume(key: string): number | Promise<number> {
    if (!this.health.available()) return this.fallback.consume(key);
    return this.leases.spendHeld(key) ?? this.consumeLeased(key);
  }

  private async consumeLeased(key: string): Promise<number> {
    try {
      return await this.leases.consume(key);
    } catch (error) {
      this.health.failed(error);
      return this.fallback.consume(key);
    }
  }

  sweep(): void {
    this.leases.sweep();
  }
}

interface KnownWindow {
  points: number;
  /** The window's end on the database's clock: which window this count is of. */
  windowEndsAt: number;
  /** The window's end on this process's clock. */
  endsAt: number;
}

/**
 * A per-address failure budget counted in the database. Checking it costs no round trip: this
 * process knows each address's count from its own statements and from every other process's
 * NOTIFY (`learn`), and from the windows running when it started. A process that has not yet
 * heard of a count (the NOTIFY is a few milliseconds behind the answer that followed it) lets one
 * more failure through, learns the count from its own statement, and refuses from then on.
 */
export class SharedFailureCount implements FailureCount {
  private readonly windows = new Map<string, KnownWindow>();
  /** Counts of this process's in flight, by key: an address's next request waits for them. */
  private readonly counting = new Map<string, Promise<unknown>>();

  constructor(
    private readonly db: Executor,
    /** Every key of this budget starts with it: `<namespace><name>:`. */
    readonly prefix: string,
    private readonly budget: Budget,
    private readonly health: StoreHealth,
  ) {}

  waitFor(client: string, attempts: number): number | Promise<number> {
    const key = this.prefix + client;
    const counting = this.counting.get(key);
    if (counting) return counting.then(() => this.waitNow(key, attempts));
    return this.waitNow(key, attempts);
  }

  async record(client: string, failures: number): Promise<void> {
    const key = this.prefix + client;
    const counting: Promise<unknown> = Promise.all([
      this.counting.get(key),
      this.count(key, failures),
    ]).finally(() => {
      if (this.counting.get(key) === counting) this.counting.delete(key);
    });
    this.counting.set(key, counting);
    await counting;
  }

  private waitNow(key: string, attempts: number): number {
    const window = this.known(key);
    if (!window || window.points + attempts <= this.budget.points) return 0;
    return Math.max(1, window.endsAt - Date.now());
  }

  /** Never rejects: while the database fails, counted here. */
  private async count(key: string, failures: number): Promise<void> {
    if (this.health.available()) {
      try {
        this.learn(
          await this.health.answer(
            countFailures(this.db, key, failures, this.budget.windowSeconds),
          ),
        );
        return;
      } catch (error) {
        this.health.failed(error);
      }
    }
    this.countHere(key, failures);
  }

  /** A count of this budget's, from this process's statement or another's NOTIFY. */
  learn(counted: CountedWindow): void {
    if (!counted.key.startsWith(this.prefix)) return;
    const known = this.known(counted.key);
    if (known && counted.windowEndsAt < known.windowEndsAt) return; // an older window's count
    if (known?.windowEndsAt === counted.windowEndsAt) {
      // Notifications of one window may arrive out of order: counts only grow within it.
      known.points = Math.max(known.points, counted.points);
      return;
    }
    this.windows.set(counted.key, {
      points: counted.points,
      windowEndsAt: counted.windowEndsAt,
      endsAt: Date.now() + counted.msLeft,
    });
  }

  sweep(): void {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.endsAt <= now) this.windows.delete(key);
  }

  private known(key: string): KnownWindow | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= Date.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }

  /** While the database fails: counted in this process, in a window of its own. */
  private countHere(key: string, failures: number): void {
    const known = this.known(key);
    if (known) known.points += failures;
    else {
      this.windows.set(key, {
        points: failures,
        windowEndsAt: 0,
        endsAt: Date.now() + this.budget.windowSeconds * 1000,
      });
    }
  }
}
