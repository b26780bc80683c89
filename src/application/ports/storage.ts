import type { ContainerModule } from 'inversify';

/**
 * A storage adapter set: a ContainerModule that binds `TOKENS.EventStore`, `TOKENS.SessionViews` and
 * `TOKENS.JobQueue`, and a way to release what it holds. In-memory and PostgreSQL both have one,
 * so swapping storage changes no other code.
 */
export interface StorageAdapter {
  readonly name: string;
  readonly module: ContainerModule;
  /** Opens what the adapter needs before the first call (a notification listener, say), if anything. */
  open?(): Promise<void>;
  /** Releases connections the adapter opened itself (never a pool the caller supplied). */
  close(): Promise<void>;
  /**
   * Rejects, saying why, while the storage cannot serve (unreachable, or its schema not at the version
   * this code needs): the readiness probe. Absent for storage that is always there (in memory).
   */
  check?(): Promise<void>;
  /** The connection pool's usage now, for storage that has one. */
  poolUsage?(): PoolUsage;
}

/** How a connection pool is used at one moment. */
export interface PoolUsage {
  /** Connections open, idle or in use. */
  readonly total: number;
  /** Open connections no one is using. */
  readonly idle: number;
  /** Callers queued for a connection because every one is in use (and the pool is at its maximum). */
  readonly waiting: number;
}
