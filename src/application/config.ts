import type { ArnContext } from '../domain/index.js';

/** Settings of the application layer; every field has a default in `defaultServiceConfig`. */
export interface ServiceConfig {
  /** Partition, account and default region of the ARNs the service mints. */
  readonly arn: ArnContext;
  /** How long a client token de-duplicates after its first success (reference §7: 24 h). */
  readonly clientTokenTtlMs: number;
  /** How often a create retries after losing an optimistic-concurrency race on the quota ledger. */
  readonly maxCommitAttempts: number;
  /** Page size of ListStreamingSessions (the API has no page-size parameter). */
  readonly listPageSize: number;
  readonly provisioning: {
    /** How long a worker holds a claimed job before another may take it. */
    readonly leaseMs: number;
    /** How many jobs a worker claims at a time. */
    readonly batchSize: number;
    /** The polling fallback when no wake-up arrives. */
    readonly pollIntervalMs: number;
    /** How often a worker asks the provisioner whether a booting instance is up. */
    readonly statusIntervalMs: number;
  };
}

export const defaultServiceConfig: ServiceConfig = {
  arn: { partition: 'aws', account: '000000000000', defaultRegion: 'us-west-2' },
  clientTokenTtlMs: 24 * 60 * 60 * 1000,
  maxCommitAttempts: 50,
  listPageSize: 100,
  provisioning: { leaseMs: 30_000, batchSize: 16, pollIntervalMs: 1_000, statusIntervalMs: 50 },
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
