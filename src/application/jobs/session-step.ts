import { ok, type Result } from 'neverthrow';
import type { ApiError, StreamingSessionCommand, StreamingSessionStateName } from '../../domain/index.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedJob, JobKey, JobKind } from '../ports/jobs.js';
import type { InstanceProvisioner, ProvisioningFailure } from '../ports/provisioner.js';
import type { SessionViewRow } from '../ports/session-views.js';
import type { SessionChange, SessionCommands, SessionKey } from '../session-commands.js';
import type { JobStep } from './job-step.js';

/** The shortest wait before asking about an instance again, whatever the provisioner suggests. */
export const MIN_STATUS_INTERVAL_MS = 10;

/** A thrown value as text, for a status message or a job's last error. */
export const describeError = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The job's key alone (a claimed job carries its lease and attempts besides). */
export const keyOf = (job: JobKey): JobKey => ({
  studioId: job.studioId,
  entity: { kind: job.entity.kind, id: job.entity.id },
  kind: job.kind,
});

/** The session a job of a session step is for. */
const sessionOf = (job: JobKey): SessionKey => ({ studioId: job.studioId, sessionId: job.entity.id });

/** Nothing to decide, and the job is over. */
export const done = (job: JobKey): Result<SessionChange, ApiError> =>
  ok({ commands: [], complete: [keyOf(job)] });

/**
 * What every step on a session shares: it plans one change through the pipeline; when the pipeline
 * refuses (the session moved on, or is gone) there is nothing left for the job to do, unless the session
 * kept changing under the step, which is worth another attempt. After the last attempt, a step whose job
 * carries a transition ends it as failed (its `failure` command), if the session is still in it.
 */
export abstract class SessionStep implements JobStep {
  abstract readonly kind: JobKind;
  /** The state this step's job carries a session out of, if it carries one (work jobs do). */
  protected readonly inProgress: StreamingSessionStateName | undefined = undefined;
  /** How a given-up step's status message begins. */
  protected readonly failurePrefix: string = 'Failed';

  constructor(
    protected readonly pipeline: SessionCommands,
    protected readonly clock: Clock,
  ) {}

  protected abstract plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>>;

  /** The command that ends the session's transition as failed when the step never succeeded. */
  protected failure(_message: string): StreamingSessionCommand | undefined {
    return undefined;
  }

  /** What to let go of before the transition is recorded as failed (an instance half allocated, say). */
  protected async cleanUp(_row: SessionViewRow): Promise<void> {
    // Most steps hold nothing.
  }

  async run(job: ClaimedJob): Promise<void> {
    const outcome = await this.pipeline.execute(sessionOf(job), (row) => this.plan(job, row));
    if (outcome.isErr()) await this.settle(job, outcome.error);
  }

  async giveUp(job: ClaimedJob, error: unknown): Promise<void> {
    const fail = this.failure(
      `${this.failurePrefix} after ${job.attempts} attempts: ${describeError(error)}`,
    );
    const outcome = await this.pipeline.execute(sessionOf(job), async (row) => {
      if (fail === undefined || row.session.state !== this.inProgress) return done(job);
      await this.cleanUp(row);
      return ok({ commands: [fail], complete: [keyOf(job)] });
    });
    if (outcome.isErr()) await this.settle(job, outcome.error);
  }

  private async settle(job: ClaimedJob, error: ApiError): Promise<void> {
    if (error.code === 'CONCURRENT_MODIFICATION') throw new Error(error.message);
    await this.pipeline.complete(job);
  }
}

/** What a wait for an instance turns into, once the provisioner has answered. */
export interface InstanceOutcomes {
  /** Commands decided before the wait in the same step (the allocation just recorded, say). */
  readonly before?: readonly StreamingSessionCommand[];
  /** The command once the instance runs. */
  readonly running: (now: number) => StreamingSessionCommand;
  /** The command once the instance has failed. */
  readonly failed: (failure: ProvisioningFailure, now: number) => StreamingSessionCommand;
  /** What to do before a failure is recorded (release the instance, say). */
  readonly onFailure?: () => Promise<void>;
}

/**
 * The one polling step, shared by provisioning and start: "wait until the provisioner says so". Running or
 * failed ends the job with the matching command; still pending reschedules the job for when the
 * provisioner expects the instance to be up (at least `MIN_STATUS_INTERVAL_MS` away), and the worker lets
 * go of it meanwhile, so a boot that takes minutes holds nothing.
 */
export async function awaitInstance(
  deps: {
    readonly provisioner: InstanceProvisioner;
    readonly clock: Clock;
    readonly config: ServiceConfig;
  },
  job: JobKey,
  instanceId: string,
  outcomes: InstanceOutcomes,
): Promise<SessionChange> {
  const before = outcomes.before ?? [];
  const status = await deps.provisioner.status(instanceId);
  const now = deps.clock.now();
  switch (status.status) {
    case 'pending': {
      const wait = Math.max(
        MIN_STATUS_INTERVAL_MS,
        status.retryAfterMs ?? deps.config.provisioning.statusIntervalMs,
      );
      return { commands: before, schedule: [{ ...keyOf(job), dueAt: now + wait }] };
    }
    case 'running':
      return { commands: [...before, outcomes.running(now)], complete: [keyOf(job)] };
    case 'failed':
      await outcomes.onFailure?.();
      return { commands: [...before, outcomes.failed(status.failure, now)], complete: [keyOf(job)] };
  }
}
