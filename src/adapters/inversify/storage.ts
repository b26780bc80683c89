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
}
