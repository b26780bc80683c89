import { inject, injectable } from 'inversify';
import { ok, type Result } from 'neverthrow';
import type { ApiError, ExistingSession, StreamingSessionCommand } from '../../domain/index.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedJob, JobKey } from '../ports/jobs.js';
import type { InstanceProvisioner, InstanceSpec } from '../ports/provisioner.js';
import type { SessionViewRow } from '../ports/session-views.js';
import { SessionCommandPipeline, type SessionChange } from '../session-pipeline.js';
import { TOKENS } from '../tokens.js';
import type { JobStep } from './job-step.js';

/** The shortest wait before checking a booting instance again, whatever the provisioner suggests. */
const MIN_STATUS_INTERVAL_MS = 10;

function specOf(session: ExistingSession): InstanceSpec {
  const s = session.session;
  return {
    studioId: s.studioId,
    sessionId: s.sessionId,
    launchProfileId: s.launchProfileId,
    ec2InstanceType: s.ec2InstanceType,
    streamingImageId: s.streamingImageId,
    ownedBy: s.ownedBy,
    ...(s.volumeConfiguration === undefined ? {} : { volumeConfiguration: s.volumeConfiguration }),
  };
}

const keyOf = (job: JobKey): JobKey => ({ studioId: job.studioId, sessionId: job.sessionId, kind: job.kind });

/**
 * Provisioning, one step at a time: allocate the session's instance (idempotent by session id, so a step
 * repeated after a crash never gets a second one) and record it, then ask whether it is up. Running: the
 * session becomes READY and the job completes, in one commit. Still booting: the job is rescheduled for
 * when the provisioner expects the boot to end, and the worker lets go of it meanwhile. Failed: the
 * instance is released and the session becomes CREATE_FAILED with the provisioner's status code.
 */
@injectable()
export class ProvisionStep implements JobStep {
  readonly kind = 'provision' as const;

  constructor(
    @inject(SessionCommandPipeline) private readonly pipeline: SessionCommandPipeline,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async run(job: ClaimedJob): Promise<void> {
    const outcome = await this.pipeline.execute(job, (row) => this.plan(job, row));
    if (outcome.isErr()) await this.settle(job, outcome.error);
  }

  async giveUp(job: ClaimedJob, error: unknown): Promise<void> {
    const message = `Provisioning failed after ${job.attempts} attempts: ${describe(error)}`;
    const outcome = await this.pipeline.execute(job, async (row) => {
      const { session } = row;
      if (session.state !== 'CREATE_IN_PROGRESS') return ok({ commands: [], complete: [keyOf(job)] });
      if (session.instanceId !== undefined) await this.provisioner.release(session.instanceId);
      return ok({
        commands: [this.fail('INTERNAL_ERROR', message)],
        complete: [keyOf(job)],
      });
    });
    if (outcome.isErr()) await this.settle(job, outcome.error);
  }

  private async plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const { session } = row;
    const done = { complete: [keyOf(job)] };
    if (session.state !== 'CREATE_IN_PROGRESS') return ok({ commands: [], ...done });
    const commands: StreamingSessionCommand[] = [];
    let instanceId = session.instanceId;
    if (instanceId === undefined) {
      const allocated = await this.provisioner.allocate(specOf(session));
      if (allocated.isErr()) {
        return ok({ commands: [this.fail(allocated.error.statusCode, allocated.error.message)], ...done });
      }
      instanceId = allocated.value.instanceId;
      commands.push({ type: 'RecordInstanceAllocated', instanceId, now: this.clock.now() });
    }
    const status = await this.provisioner.status(instanceId);
    switch (status.status) {
      case 'pending': {
        const wait = Math.max(
          MIN_STATUS_INTERVAL_MS,
          status.retryAfterMs ?? this.config.provisioning.statusIntervalMs,
        );
        return ok({ commands, schedule: [{ ...keyOf(job), dueAt: this.clock.now() + wait }] });
      }
      case 'running':
        return ok({ commands: [...commands, { type: 'MarkSessionReady', now: this.clock.now() }], ...done });
      case 'failed':
        await this.provisioner.release(instanceId);
        return ok({
          commands: [...commands, this.fail(status.failure.statusCode, status.failure.message)],
          ...done,
        });
    }
  }

  private fail(
    statusCode: Extract<StreamingSessionCommand, { type: 'FailSessionCreate' }>['statusCode'],
    statusMessage: string,
  ): StreamingSessionCommand {
    return { type: 'FailSessionCreate', statusCode, statusMessage, now: this.clock.now() };
  }

  /**
   * The pipeline refused: the session is gone or moved on in a way this step cannot continue from, and
   * nothing is left to do; or it kept changing under the step, which is worth another attempt.
   */
  private async settle(job: ClaimedJob, error: ApiError): Promise<void> {
    if (error.code === 'CONCURRENT_MODIFICATION') throw new Error(error.message);
    await this.pipeline.complete(job);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
