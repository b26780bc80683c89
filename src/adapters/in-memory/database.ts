import type { StoredEvent } from '../../application/ports/event-store.js';
import type { SessionViewRow } from '../../application/ports/session-views.js';
import { InMemoryClientTokenTable } from './client-tokens.js';
import { InMemoryJobTable } from './jobs.js';

interface Stream {
  readonly studioId: string;
  readonly events: StoredEvent[];
  snapshot?: unknown;
}

/**
 * The tables of the in-memory adapter, shared by its event store, view and queue. JavaScript runs one
 * callback at a time, so a commit that checks and writes without awaiting in between is atomic.
 */
export class InMemoryDatabase {
  readonly streams = new Map<string, Stream>();
  readonly log: StoredEvent[] = [];
  readonly tokens = new InMemoryClientTokenTable();
  readonly views = new Map<string, Map<string, SessionViewRow>>();
  readonly jobs = new InMemoryJobTable();
  readonly #workWaiters = new Set<() => void>();

  /** Wakes every worker waiting for work. */
  notifyWork(): void {
    for (const wake of this.#workWaiters) wake();
    this.#workWaiters.clear();
  }

  /** Registers a wake-up; returns a function that unregisters it. */
  onWork(wake: () => void): () => void {
    this.#workWaiters.add(wake);
    return () => this.#workWaiters.delete(wake);
  }
}
