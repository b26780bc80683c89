import type { ServiceIdentifier } from 'inversify';
import type { ClaimedJob, JobKind, ScheduledJob } from '../ports/jobs.js';

/**
 * One kind of job's step. `run` does one step and commits its events together with the job's completion
 * or its rescheduling, so that a step is done exactly when its commit is; it throws when it cannot, and
 * the worker then retries it with back-off. After the last attempt the worker calls `giveUp`, which ends
 * the job for good (recording why on the session).
 */
export interface JobStep {
  readonly kind: JobKind;
  run(job: ClaimedJob): Promise<void>;
  giveUp(job: ClaimedJob, error: unknown): Promise<void>;
  /**
   * For a kind with one standing job that no commit schedules (the client-token sweep): that job, as
   * it is first scheduled at `now`. A worker that starts creates it unless it exists (`JobQueue.ensure`).
   */
  standingJob?(now: number): ScheduledJob;
}

/** Every step the worker knows, bound once per kind. */
export const JOB_STEPS = Symbol.for('nimble.JobStep') as ServiceIdentifier<JobStep>;
