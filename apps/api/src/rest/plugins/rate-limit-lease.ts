/**
 * Per-key limits kept in a store every process shares, without a round trip per request: a process
 * takes points from the shared counter in leases and spends them locally until they run out or
 * the window ends.
 *
 * The promise: across all processes a key is never accepted more than its limit in a window, since
 * the store grants only what the window has left (see takePoints) and a process spends only what
 * it was granted, and only within the window it was granted in. The price: a request is refused
 * once the shared counter is spent and this process holds nothing, while another process may still
 * hold points it has not spent: at most its last lease and one taken ahead, each (beyond what its
 * waiting requests spend at once) at most an eighth of what the window had left when taken, and at
 * most MAX_LEASE; it spends them on the next requests it gets. With fewer than 2 × LEASE_SHARE
 * left a lease is one point or as many as are waiting, and nothing is taken ahead (that needs a
 * full share, so at least 8 × LEASE_SHARE left): a limit under 16 is exact, and a limit of 20 is
 * refused early by at most 2 points per other process.
 */

/** A lease takes at most this share of what the window has left: 1 / LEASE_SHARE. */
export const LEASE_SHARE = 8;
/** The most points one lease takes: a round trip per this many requests on a high limit. */
export const MAX_LEASE = 1000;

/**
 * How many points to ask for, knowing `remaining` (what the window had left at the last grant) and
 * `waiting` (requests of this process waiting for a point now): enough for the waiting requests,
 * which spend them at once, else a share of what is left, at least one.
 */
export function leaseSize(remaining: number, waiting: number): number {
  return Math.min(MAX_LEASE, Math.max(1, waiting, Math.floor(remaining / LEASE_SHARE)));
}

/**
 * Whether to take the next lease before this one runs out, so requests do not wait for it: only
 * far from the limit (the last lease was a full share, so the window had ≥ 64 points left) and
 * once half of the last lease is spent.
 */
export function takesAhead(lease: { points: number; lastGrant: number; remaining: number }) {
  return (
    lease.remaining > 0 && lease.lastGrant >= LEASE_SHARE && lease.points <= lease.lastGrant / 2
  );
}

/** What the store answers a request for points. */
export interface Grant {
  /** Points given to this lease, between 0 and what was asked. */
  granted: number;
  /** What the window has left after this grant; 0 when it is spent. */
  remaining: number;
  /** The window's end on the store's clock, as epoch milliseconds: which window this was. */
  windowEndsAt: number;
  /** Milliseconds from the grant to the window's end, on the store's clock. */
  msLeft: number;
}

/** Takes up to `want` points for `key` from the shared counter. */
export type TakePoints = (key: string, want: number) => Promise<Grant>;

interface Lease {
  /** Points granted to this process and not yet spent. */
  points: number;
  /** What the window had left at the last grant. */
  remaining: number;
  lastGrant: number;
  /** The window this lease belongs to (the store's end of it), 0 before the first grant. */
  windowEndsAt: number;
  /**
   * When this process stops spending the lease, on its own clock: the time the request for the
   * grant was sent plus the time the window had left, so never after the store's window ends.
   */
  endsAt: number;
}

/** Per-process leases of each key's shared counter; one request for points per key in flight. */
export class KeyLeases {
  private readonly leases = new Map<string, Lease>();
  private readonly taking = new Map<string, Promise<void>>();
  /** Requests of this process waiting for a point of each key. */
  private readonly waiting = new Map<string, number>();

  constructor(
    private readonly limit: number,
    private readonly take: TakePoints,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Spend one point of `key` from what this process holds, without waiting (a request's usual
   * way): 0 when the request may go ahead, the milliseconds until the window ends when the window
   * is spent, undefined when a lease must be taken first (`consume`).
   */
  spendHeld(key: string): number | undefined {
    const lease = this.current(key);
    if (lease.points > 0) {
      lease.points -= 1;
      if (takesAhead(lease)) this.takeAhead(key);
      return 0;
    }
    if (lease.windowEndsAt > 0 && lease.remaining === 0) {
      return Math.max(1, lease.endsAt - this.now());
    }
    return undefined;
  }

  /**
   * Spend one point of `key`, taking a lease when this process holds none: resolves as
   * `spendHeld` answers. Rejects when the store fails (the caller decides what then).
   */
  async consume(key: string): Promise<number> {
    for (;;) {
      const held = this.spendHeld(key);
      if (held !== undefined) return held;
      this.waiting.set(key, (this.waiting.get(key) ?? 0) + 1);
      try {
        await this.takeLease(key);
      } finally {
        this.stopWaiting(key);
      }
    }
  }

  /** Forget leases whose window has ended (the map holds only keys used within a window). */
  sweep(): void {
    const now = this.now();
    for (const [key, lease] of this.leases) {
      if (lease.endsAt <= now && !this.taking.has(key)) this.leases.delete(key);
    }
  }

  private stopWaiting(key: string): void {
    const waiting = (this.waiting.get(key) ?? 1) - 1;
    if (waiting > 0) this.waiting.set(key, waiting);
    else this.waiting.delete(key);
  }

  private current(key: string): Lease {
    const lease = this.leases.get(key);
    if (lease && (lease.windowEndsAt === 0 || lease.endsAt > this.now())) return lease;
    const fresh: Lease = {
      points: 0,
      remaining: this.limit,
      lastGrant: 0,
      windowEndsAt: 0,
      endsAt: 0,
    };
    this.leases.set(key, fresh);
    return fresh;
  }

  private takeAhead(key: string): void {
    // A failure here is seen again by the request that next needs a point.
    if (!this.taking.has(key)) this.takeLease(key).catch(() => undefined);
  }

  /** Coalesced: concurrent callers for one key share the request in flight. */
  private takeLease(key: string): Promise<void> {
    let pending = this.taking.get(key);
    if (!pending) {
      pending = this.askStore(key).finally(() => this.taking.delete(key));
      this.taking.set(key, pending);
    }
    return pending;
  }

  private async askStore(key: string): Promise<void> {
    const asking = this.current(key);
    const sentAt = this.now();
    const grant = await this.take(key, leaseSize(asking.remaining, this.waiting.get(key) ?? 0));
    const endsAt = sentAt + grant.msLeft;
    const lease = this.current(key);
    if (grant.windowEndsAt < lease.windowEndsAt) return; // an older window's: nothing to spend
    if (lease.windowEndsAt === grant.windowEndsAt) {
      lease.points += grant.granted;
      lease.endsAt = Math.min(lease.endsAt, endsAt);
    } else {
      // A new window (or the first grant): what this process held belonged to the old one.
      lease.points = grant.granted;
      lease.windowEndsAt = grant.windowEndsAt;
      lease.endsAt = endsAt;
    }
    lease.remaining = grant.remaining;
    lease.lastGrant = grant.granted;
  }
}
