import type { Clock } from '../application/ports/clock.js';

interface Sleeper {
  readonly at: number;
  readonly wake: () => void;
}

/**
 * A clock that moves only when told to: `advance` and `set` move it forward and wake every `waitUntil`
 * whose time has come, so a test sees exactly the job steps that are due run, with no real waiting.
 */
export class VirtualClock implements Clock {
  readonly #sleepers = new Set<Sleeper>();

  constructor(private time: number = Date.UTC(2024, 0, 2, 3, 4, 5)) {}

  now(): number {
    return this.time;
  }

  /** Moves the clock forward by `ms` (never back). */
  advance(ms: number): void {
    this.set(this.time + Math.max(0, ms));
  }

  /** Moves the clock to `at` if that is later than now. */
  set(at: number): void {
    if (at <= this.time) return;
    this.time = at;
    for (const sleeper of [...this.#sleepers]) if (sleeper.at <= at) sleeper.wake();
  }

  /** How many waits are pending (for tests that check nothing is left behind). */
  get pendingWaits(): number {
    return this.#sleepers.size;
  }

  waitUntil(at: number, signal?: AbortSignal): Promise<void> {
    if (at <= this.time || signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const sleeper: Sleeper = {
        at,
        wake: () => {
          this.#sleepers.delete(sleeper);
          signal?.removeEventListener('abort', sleeper.wake);
          resolve();
        },
      };
      this.#sleepers.add(sleeper);
      signal?.addEventListener('abort', sleeper.wake, { once: true });
    });
  }
}
