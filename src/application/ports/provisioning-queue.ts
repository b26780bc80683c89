import type { ProvisioningJobKey } from './event-store.js';

/** A provisioning job claimed by a worker until `leaseUntil` (epoch ms). */
export interface ClaimedJob extends ProvisioningJobKey {
  readonly attempts: number;
  readonly leaseUntil: number;
}

/**
 * The provisioning outbox as workers see it. Jobs are enqueued and completed by event-store commits;
 * workers claim them with a lease, so a worker that dies loses its jobs to another when the lease ends.
 */
export interface ProvisioningQueue {
  /** Claims up to `limit` jobs that nobody holds (or whose lease has ended) for `leaseMs`. */
  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]>;

  /** Extends the lease of a job this worker holds; false when the worker no longer holds it. */
  renew(job: ProvisioningJobKey, workerId: string, leaseMs: number, now: number): Promise<boolean>;

  /**
   * Resolves when new work may be available, or after `timeoutMs` at the latest (the polling fallback),
   * or at once when `signal` aborts.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
