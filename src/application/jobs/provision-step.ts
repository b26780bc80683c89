import { inject, injectable } from 'inversify';
import { ok, type Result } from 'neverthrow';
import type {
  ApiError,
  CreateFailureStatusCode,
  ExistingSession,
  StreamingSessionCommand,
} from '../../domain/index.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedJob } from '../ports/jobs.js';
import type { InstanceProvisioner, InstanceSpec } from '../ports/provisioner.js';
import type { SessionViewRow } from '../ports/session-views.js';
import { SessionCommands, type SessionChange } from '../session-commands.js';
import { TOKENS } from '../tokens.js';
import { awaitInstance, done, keyOf, SessionStep } from './session-step.js';

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

/**
 * Provisioning, one step at a time: allocate the session's instance (idempotent by session id, so a step
 * repeated after a crash never gets a second one) and record it, then wait for it as every boot is waited
 * for (`awaitInstance`): running, the session becomes READY and the job completes in one commit; still
 * booting, the job is rescheduled and the worker lets go of it; failed, the instance is released and the
 * session becomes CREATE_FAILED with the provisioner's status code.
 */
@injectable()
export class ProvisionStep extends SessionStep {
  readonly kind = 'provision' as const;
  protected override readonly inProgress = 'CREATE_IN_PROGRESS' as const;
  protected override readonly failurePrefix = 'Provisioning failed';

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {
    super(pipeline, clock);
  }

  protected async plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const { session } = row;
    if (session.state !== 'CREATE_IN_PROGRESS') return done(job);
    const before: StreamingSessionCommand[] = [];
    let instanceId = session.instanceId;
    if (instanceId === undefined) {
      const allocated = await this.provisioner.allocate(specOf(session));
      if (allocated.isErr()) {
        const { statusCode, message } = allocated.error;
        return ok({ commands: [this.fail(statusCode, message, this.clock.now())], complete: [keyOf(job)] });
      }
      instanceId = allocated.value.instanceId;
      before.push({ type: 'RecordInstanceAllocated', instanceId, now: this.clock.now() });
    }
    const allocatedId = instanceId;
    return ok(
      await awaitInstance(this.deps, job, allocatedId, {
        before,
        running: (now) => ({ type: 'MarkSessionReady', now }),
        failed: (failure, now) => this.fail(failure.statusCode, failure.message, now),
        onFailure: () => this.provisioner.release(allocatedId),
      }),
    );
  }

  private get deps() {
    return { provisioner: this.provisioner, clock: this.clock, config: this.config };
  }

  protected override failure(message: string): StreamingSessionCommand {
    return this.fail('INTERNAL_ERROR', message, this.clock.now());
  }

  protected override async cleanUp(row: SessionViewRow): Promise<void> {
    if (row.session.state === 'CREATE_IN_PROGRESS' && row.session.instanceId !== undefined) {
      await this.provisioner.release(row.session.instanceId);
    }
  }

  private fail(
    statusCode: CreateFailureStatusCode,
    statusMessage: string,
    now: number,
  ): StreamingSessionCommand {
    return { type: 'FailSessionCreate', statusCode, statusMessage, now };
  }
}
