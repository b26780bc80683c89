import type { ArnContext } from '../domain/index.js';

/** Settings of the application layer; every field has a default in `defaultServiceConfig`. */
export interface ServiceConfig {
  /** Partition, account and default region of the ARNs the service mints. */
  readonly arn: ArnContext;
  /**
   * How long a client token de-duplicates after its first success (reference §7: 24 h). The record is
   * kept that long, then removed by the client-token sweep; a repeat after that is a new request.
   */
  readonly clientTokenTtlMs: number;
  /**
   * How often the client-token sweep looks for expired records once a look found less than a full
   * batch; a full batch has it look again at once. A record outlives its expiry by at most about this.
   */
  readonly clientTokenSweepIntervalMs: number;
  /** How many expired client-token records one step of the sweep deletes at most (at least 1). */
  readonly clientTokenSweepBatchSize: number;
  /** How often a create retries after losing an optimistic-concurrency race on the quota ledger. */
  readonly maxCommitAttempts: number;
  /** Page size of ListStreamingSessions (the API has no page-size parameter). */
  readonly listPageSize: number;
  /**
   * How long a DELETED session stays readable and listable (reference §3.4: waiters poll for DELETED).
   * The default, 24 h, outlives every client token that could name the session.
   */
  readonly deletedRetentionMs: number;
  /** The job worker (provisioning now, the lifecycle's steps and deadlines later). */
  readonly provisioning: {
    /**
     * How long a worker holds a claimed job before another may take it. A worker holds a job only while
     * it runs one step, so this bounds how long a step may take, not how long an instance may boot.
     */
    readonly leaseMs: number;
    /** How many steps a worker runs at once (its window). Jobs waiting for their due time take none. */
    readonly batchSize: number;
    /** The longest a worker sleeps without looking for due jobs (the fallback for lost wake-ups). */
    readonly pollIntervalMs: number;
    /** When to check a booting instance again, unless the provisioner suggests a time. */
    readonly statusIntervalMs: number;
    /** How many times a failing step is tried before the job gives up (a session then ends CREATE_FAILED). */
    readonly maxAttempts: number;
    /** The back-off after the first failed step; it doubles with each attempt, up to `retryMaxMs`. */
    readonly retryBaseMs: number;
    readonly retryMaxMs: number;
  };
}

export const defaultServiceConfig: ServiceConfig = {
  arn: { partition: 'aws', account: '000000000000', defaultRegion: 'us-west-2' },
  clientTokenTtlMs: 24 * 60 * 60 * 1000,
  clientTokenSweepIntervalMs: 60 * 60 * 1000,
  clientTokenSweepBatchSize: 1000,
  maxCommitAttempts: 50,
  listPageSize: 100,
  deletedRetentionMs: 24 * 60 * 60 * 1000,
  provisioning: {
    leaseMs: 30_000,
    batchSize: 16,
    pollIntervalMs: 1_000,
    statusIntervalMs: 1_000,
    maxAttempts: 5,
    retryBaseMs: 1_000,
    retryMaxMs: 60_000,
  },
};

/** Merges partial settings over the defaults (one level deep for the nested groups). */
export function resolveServiceConfig(partial: DeepPartial<ServiceConfig> = {}): ServiceConfig {
  return {
    ...defaultServiceConfig,
    ...partial,
    arn: { ...defaultServiceConfig.arn, ...partial.arn },
    provisioning: { ...defaultServiceConfig.provisioning, ...partial.provisioning },
  };
}

export type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? Partial<T[K]> : T[K] };
