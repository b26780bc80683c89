import type { EntityRef } from './entities.js';

/**
 * What a job does; an entity has at most one job of each kind. The session's:
 * - `provision`, `stop`, `start`, `delete`: carry a requested transition to its end (READY or
 *   CREATE_FAILED, STOPPED or STOP_FAILED, ...), due as soon as the transition is accepted.
 * - `auto-stop`, `auto-terminate`: request the stop or the termination at `stopAt` / `terminateAt`.
 * - `purge`: removes a DELETED session from the view once its retention has passed.
 * - `expire-client-tokens`: no session's. The one standing sweep that removes client-token records
 *   past their retention, in batches, and reschedules itself (keyed by an empty studio and entity id).
 */
export type JobKind =
  | 'provision'
  | 'stop'
  | 'start'
  | 'delete'
  | 'auto-stop'
  | 'auto-terminate'
  | 'purge'
  | 'expire-client-tokens';

export const JOB_KINDS: readonly JobKind[] = [
  'provision',
  'stop',
  'start',
  'delete',
  'auto-stop',
  'auto-terminate',
  'purge',
  'expire-client-tokens',
];

/**
 * Identifies a job: one per (studio, entity, kind). A job that is no entity's has an empty studio and
 * entity id (and the entity kind `session`, which rows written before entities had kinds carry).
 */
export interface JobKey {
  readonly studioId: string;
  readonly entity: EntityRef;
  readonly kind: JobKind;
}

/** A job to run at or after `dueAt` (epoch ms). */
export interface ScheduledJob extends JobKey {
  readonly dueAt: number;
}

/** A job a worker holds until `leaseUntil` (epoch ms) while it runs one step of it. */
export interface ClaimedJob extends JobKey {
  /** How many times the job has been claimed since it was last scheduled (1 on the first claim). */
  readonly attempts: number;
  readonly leaseUntil: number;
}

/** How much work the queue holds, at a given time. */
export interface JobQueueStats {
  /** Jobs due (their due time has passed) that no worker holds. */
  readonly due: number;
  /** Jobs whose due time is still to come. */
  readonly scheduled: number;
  /** Jobs a worker holds under an unexpired lease. */
  readonly held: number;
  /** The due time of the oldest due job, if any. */
  readonly oldestDueAt?: number;
}

/**
 * Durable scheduled jobs as workers see them. Jobs are scheduled and completed by event-store commits (in
 * the same commit as the events of the step that schedules or ends them); workers claim the ones that
 * are due with a lease, so a worker that dies mid-step loses its jobs to another when the lease ends. A
 * worker holds a job only while it runs a step, never while it waits for the next one.
 */
export interface JobQueue {
  /**
   * Claims up to `limit` jobs that are due at `now` and that nobody holds (or whose lease has ended),
   * oldest due first, for `leaseMs`. Each claim counts as an attempt. Only jobs of the kinds this release
   * runs are claimed: a row of another kind (written by a newer release, or by hand) is left for a process
   * that can run it, never handed to a step as something it is not.
   */
  claim(workerId: string, limit: number, leaseMs: number, now: number): Promise<readonly ClaimedJob[]>;

  /** Extends the lease of a job this worker holds; false when the worker no longer holds it. */
  renew(job: JobKey, workerId: string, leaseMs: number, now: number): Promise<boolean>;

  /**
   * Gives back a job this worker holds after a failed step, due again at `dueAt`, keeping its attempt count
   * and recording `error`. False (and nothing changes) when the worker no longer holds it.
   */
  retry(job: JobKey, workerId: string, dueAt: number, error: string): Promise<boolean>;

  /**
   * Schedules the job unless one with its key exists, which is then left exactly as it is (due time,
   * holder, attempts). True when this call created it. For standing jobs that no commit schedules (the
   * client-token sweep), created by each worker as it starts: any number of workers, in any number of
   * processes, may call it at once, and one job results.
   */
  ensure(job: ScheduledJob): Promise<boolean>;

  /** The earliest time at which some job can be claimed (its due time, or the end of its lease), if any. */
  nextDueAt(): Promise<number | undefined>;

  /** Counts of due, scheduled and held jobs at `now`. */
  stats(now: number): Promise<JobQueueStats>;

  /**
   * Resolves when new work may be available (a commit scheduled a job), or after `timeoutMs` at the latest
   * (the polling fallback for wake-ups that got lost), or at once when `signal` aborts.
   */
  waitForWork(timeoutMs: number, signal?: AbortSignal): Promise<void>;
}
