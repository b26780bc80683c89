import type { Result } from 'neverthrow';
import type { EntityKind, EntityRef, EntityViewBodies } from './entities.js';
import type { JobKey, ScheduledJob } from './jobs.js';

/**
 * What a commit expects of a stream's version before it appends: that the stream does not exist yet,
 * that it is at exactly this version, or nothing at all. Version 0 means "no events".
 */
export type ExpectedVersion =
  | { readonly kind: 'noStream' }
  | { readonly kind: 'exact'; readonly version: number }
  | { readonly kind: 'any' };

export const ExpectedVersion = {
  noStream: { kind: 'noStream' } as ExpectedVersion,
  any: { kind: 'any' } as ExpectedVersion,
  exact: (version: number): ExpectedVersion => ({ kind: 'exact', version }),
  /** The expectation that matches a stream read at `version`: `noStream` for 0, `exact` otherwise. */
  after: (version: number): ExpectedVersion =>
    version === 0 ? { kind: 'noStream' } : { kind: 'exact', version },
} as const;

/** An event about to be appended: the domain's `{type, version, data}`. */
export interface NewEvent {
  readonly type: string;
  readonly version: number;
  readonly data: unknown;
}

/** An event as stored: its stream, its number in the stream (1-based) and its place in the global log. */
export interface StoredEvent extends NewEvent {
  readonly streamId: string;
  readonly studioId: string;
  readonly streamVersion: number;
  /** Position in the global log; strictly increasing in commit order as readers observe it. */
  readonly position: number;
  readonly recordedAt: Date;
}

/** Events for one stream within a commit. `studioId` is the partition key every table carries. */
export interface StreamAppend {
  readonly streamId: string;
  readonly studioId: string;
  readonly expected: ExpectedVersion;
  readonly events: readonly NewEvent[];
  /** The stream's state after these events, kept so that loading it does not replay the stream. */
  readonly snapshot?: unknown;
}

/**
 * The view row of one entity, written in the same commit as its events: for each kind, its body
 * (a session's is its `ExistingSession`), stored in that kind's view table.
 */
export type ViewWrite = {
  readonly [K in EntityKind]: {
    readonly studioId: string;
    readonly entity: EntityRef<K>;
    /** The entity stream's version after the commit. */
    readonly version: number;
    readonly body: EntityViewBodies[K];
  };
}[EntityKind];

/** An entity whose view row a commit removes (its stream stays in the log). */
export interface EntityPurge {
  readonly studioId: string;
  readonly entity: EntityRef;
}

/** Identifies a client token: tokens are scoped to a studio (whose id carries the region) and an operation. */
export interface ClientTokenKey {
  readonly studioId: string;
  readonly operation: string;
  readonly clientToken: string;
}

/** A successful request's client token, its request fingerprint and the entity it acted on. */
export interface ClientTokenRecord extends ClientTokenKey {
  readonly fingerprint: string;
  /** The entity the request created or changed: a repeat answers with its current view. */
  readonly entity: EntityRef;
  /** Epoch ms. After this the token may be used again (reference §7: 24 h after the first success). */
  readonly expiresAt: number;
}

/**
 * Everything one commit writes, all or nothing: appends to one or more streams (each checked against its
 * expected version), the entities' view rows, an optional client-token record, and job changes.
 */
export interface UnitOfWork {
  readonly appends: readonly StreamAppend[];
  /** View rows to write; one of a kind the store has no table for fails the commit (`UnknownEntityKindError`). */
  readonly views?: readonly ViewWrite[];
  readonly clientToken?: ClientTokenRecord;
  /**
   * Jobs to run at their due time. A job that exists already (the one whose step this commit records,
   * say) is rescheduled: due at the new time, held by nobody, its attempt count back to 0.
   */
  readonly schedule?: readonly ScheduledJob[];
  /** Jobs that are done; completing one that does not exist does nothing. Applied before `schedule`. */
  readonly complete?: readonly JobKey[];
  /**
   * View rows to remove: sessions whose retention as DELETED has passed, say. Their streams stay in the
   * log; Get and List stop finding them.
   */
  readonly purge?: readonly EntityPurge[];
}

/** Why a commit wrote nothing. */
export type CommitConflict =
  | {
      readonly type: 'WrongExpectedVersion';
      readonly streamId: string;
      readonly expected: ExpectedVersion;
      /** The stream's actual version (0 when it does not exist). */
      readonly actual: number;
    }
  | {
      readonly type: 'ClientTokenAlreadyUsed';
      /** The record that holds the token: the winner of a race, or an earlier request. */
      readonly existing: ClientTokenRecord;
    };

export interface CommitSuccess {
  /** Each appended stream's version after the commit. */
  readonly versions: Readonly<Record<string, number>>;
}

export interface ReadStreamResult {
  /** 0 when the stream does not exist. */
  readonly version: number;
  readonly events: readonly StoredEvent[];
}

/**
 * The event store: streams with optimistic concurrency, a global log, snapshots, the client-token index,
 * the entities' views and the scheduled jobs, all written by one atomic `commit`.
 */
export interface EventStore {
  /** Reads a whole stream in order, with its version (0 and no events when it does not exist). */
  read(streamId: string): Promise<ReadStreamResult>;

  /** The snapshot written with the stream's last commit, and the version it reflects. */
  readSnapshot(
    streamId: string,
  ): Promise<{ readonly version: number; readonly snapshot: unknown } | undefined>;

  /**
   * Reads the global log after `afterPosition`, in position order, at most `limit` events. Never returns an
   * event while an earlier position may still become visible, so a reader that advances its checkpoint to
   * the last position it saw never skips an event committed out of order.
   */
  readAll(afterPosition: number, limit: number): Promise<readonly StoredEvent[]>;

  /**
   * Commits a unit of work atomically. Fails with `WrongExpectedVersion` when any stream is not at its
   * expected version, or with `ClientTokenAlreadyUsed` when the token is held by an unexpired record;
   * in both cases nothing is written. Rejects with `UnknownEntityKindError` (and writes nothing) when a
   * view or purge names a kind of entity the store keeps no view of.
   */
  commit(unit: UnitOfWork, now: number): Promise<Result<CommitSuccess, CommitConflict>>;

  /** The unexpired client-token record for a key, if any. */
  findClientToken(key: ClientTokenKey, now: number): Promise<ClientTokenRecord | undefined>;

  /**
   * Deletes up to `limit` client-token records that have expired at `now` (`expiresAt <= now`), the
   * earliest expiry first, and returns how many it deleted: fewer than `limit` means no more were found
   * (a record a concurrent commit is replacing is skipped, not waited for). An unexpired record is never
   * touched, and nothing else changes: no stream, view or job. The client-token sweep calls it, batch by
   * batch.
   */
  expireClientTokens(now: number, limit: number): Promise<number>;
}
