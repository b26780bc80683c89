import type { Clock } from '../../application/ports/clock.js';

/** A token bucket's settings: a steady rate and the burst a quiet principal may spend at once. */
export interface ThrottleOptions {
  /** Tokens added per second (the sustained request rate). */
  readonly ratePerSecond: number;
  /** The bucket's size: how many requests may arrive at once after a quiet spell. */
  readonly burst: number;
}

/** The default per-principal limit: generous for people and scripts, a brake on a runaway loop. */
export const DEFAULT_THROTTLE: ThrottleOptions = { ratePerSecond: 50, burst: 100 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/**
 * The most buckets kept: past it, full ones (principals idle long enough to refill) are forgotten, and if
 * none is full, the least recently used.
 */
export const PRUNE_ABOVE = 10_000;

/**
 * A token bucket per key (the authenticated principal). Buckets refill lazily when they are next used,
 * so an idle principal costs nothing; the map is pruned of full buckets when it grows large, and never
 * holds more than `PRUNE_ABOVE`.
 */
export class TokenBucketThrottle {
  readonly #buckets = new Map<string, Bucket>();

  constructor(
    private readonly options: ThrottleOptions,
    private readonly clock: Pick<Clock, 'now'>,
  ) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1)) {
      throw new Error('A throttle needs ratePerSecond > 0 and burst >= 1.');
    }
  }

  /** Takes one token for `key`: 0 when the request may go ahead, else the milliseconds until it may. */
  take(key: string): number {
    const now = this.clock.now();
    const { ratePerSecond, burst } = this.options;
    const bucket = this.#buckets.get(key) ?? { tokens: burst, updatedAt: now };
    const elapsed = Math.max(0, now - bucket.updatedAt);
    const refilled = Math.min(burst, bucket.tokens + (elapsed * ratePerSecond) / 1000);
    bucket.updatedAt = now;
    if (refilled >= 1) {
      bucket.tokens = refilled - 1;
      this.remember(key, bucket);
      return 0;
    }
    bucket.tokens = refilled;
    this.remember(key, bucket);
    return Math.ceil(((1 - refilled) * 1000) / ratePerSecond);
  }

  /** How many buckets are held (never more than `PRUNE_ABOVE`). */
  get size(): number {
    return this.#buckets.size;
  }

  private remember(key: string, bucket: Bucket): void {
    if (!this.#buckets.has(key) && this.#buckets.size >= PRUNE_ABOVE) this.prune();
    // Still full of busy principals: the longest unused goes (Map order is last-use order, as below). It
    // comes back with a full bucket, which errs on the side of the client, never of the process's memory.
    if (!this.#buckets.has(key) && this.#buckets.size >= PRUNE_ABOVE) {
      const oldest = this.#buckets.keys().next();
      if (oldest.done !== true) this.#buckets.delete(oldest.value);
    }
    this.#buckets.delete(key);
    this.#buckets.set(key, bucket);
  }

  private prune(): void {
    const now = this.clock.now();
    const { ratePerSecond, burst } = this.options;
    for (const [key, b] of this.#buckets) {
      if (b.tokens + ((now - b.updatedAt) * ratePerSecond) / 1000 >= burst) this.#buckets.delete(key);
    }
  }
}
