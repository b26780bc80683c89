import { inject, injectable } from 'inversify';
import { ok, type Result } from 'neverthrow';
import {
  lifecycleOf,
  STOP_FAILURE_STATUS_CODES,
  type ApiError,
  type StopFailureStatusCode,
  type StreamingSessionCommand,
} from '../../domain/index.js';
import type { ServiceConfig } from '../config.js';
import type { Clock } from '../ports/clock.js';
import type { ClaimedJob } from '../ports/jobs.js';
import type { InstanceProvisioner } from '../ports/provisioner.js';
import type { SessionViewRow } from '../ports/session-views.js';
import { SessionCommands, type SessionChange } from '../session-commands.js';
import { TOKENS } from '../tokens.js';
import { awaitInstance, done, keyOf, SessionStep } from './session-step.js';

/** Stops the instance (keeping or discarding its volume, taking a backup when the profile says so). */
@injectable()
export class StopStep extends SessionStep {
  readonly kind = 'stop' as const;
  protected override readonly inProgress = 'STOP_IN_PROGRESS' as const;

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
  ) {
    super(pipeline, clock);
  }

  protected async plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const session = row.session;
    if (session.state !== 'STOP_IN_PROGRESS') return done(job);
    const stopped = await this.provisioner.stop(session.instanceId, {
      retainVolume: lifecycleOf(session).volumeRetentionMode !== 'DELETE',
      backup: session.session.backupMode === 'AUTOMATIC',
    });
    const now = this.clock.now();
    const command: StreamingSessionCommand = stopped.isOk()
      ? {
          type: 'CompleteStop',
          now,
          ...(stopped.value.backupId === undefined ? {} : { backupId: stopped.value.backupId }),
        }
      : {
          type: 'FailStop',
          statusCode: (STOP_FAILURE_STATUS_CODES as readonly string[]).includes(stopped.error.statusCode)
            ? (stopped.error.statusCode as StopFailureStatusCode)
            : 'INTERNAL_ERROR',
          statusMessage: stopped.error.message,
          now,
        };
    return ok({ commands: [command], complete: [keyOf(job)] });
  }

  protected override failure(message: string): StreamingSessionCommand {
    return { type: 'FailStop', statusCode: 'INTERNAL_ERROR', statusMessage: message, now: this.clock.now() };
  }
}

/** Starts the instance again (from its volume or a backup) and waits for it to boot, as provisioning does. */
@injectable()
export class StartStep extends SessionStep {
  readonly kind = 'start' as const;
  protected override readonly inProgress = 'START_IN_PROGRESS' as const;

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {
    super(pipeline, clock);
  }

  protected async plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const session = row.session;
    if (session.state !== 'START_IN_PROGRESS') return done(job);
    const backupId = lifecycleOf(session).startedFromBackupId;
    const started = await this.provisioner.start(
      session.instanceId,
      backupId === undefined ? {} : { backupId },
    );
    if (started.isErr()) {
      return ok({
        commands: [
          {
            type: 'FailStart',
            statusCode: started.error.statusCode,
            statusMessage: started.error.message,
            now: this.clock.now(),
          },
        ],
        complete: [keyOf(job)],
      });
    }
    return ok(
      await awaitInstance(
        { provisioner: this.provisioner, clock: this.clock, config: this.config },
        job,
        session.instanceId,
        {
          running: (now) => ({ type: 'CompleteStart', now }),
          failed: (failure, now) => ({
            type: 'FailStart',
            statusCode: failure.statusCode,
            statusMessage: failure.message,
            now,
          }),
        },
      ),
    );
  }

  protected override failure(message: string): StreamingSessionCommand {
    return { type: 'FailStart', statusCode: 'INTERNAL_ERROR', statusMessage: message, now: this.clock.now() };
  }
}

/** Terminates the instance, if the session ever had one; the session becomes DELETED and frees its slot. */
@injectable()
export class DeleteStep extends SessionStep {
  readonly kind = 'delete' as const;
  protected override readonly inProgress = 'DELETE_IN_PROGRESS' as const;

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.InstanceProvisioner) private readonly provisioner: InstanceProvisioner,
  ) {
    super(pipeline, clock);
  }

  protected async plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const session = row.session;
    if (session.state !== 'DELETE_IN_PROGRESS') return done(job);
    if (session.instanceId !== undefined) await this.provisioner.release(session.instanceId);
    return ok({ commands: [{ type: 'CompleteDelete', now: this.clock.now() }], complete: [keyOf(job)] });
  }

  protected override failure(message: string): StreamingSessionCommand {
    return {
      type: 'FailDelete',
      statusCode: 'INTERNAL_ERROR',
      statusMessage: message,
      now: this.clock.now(),
    };
  }
}

/**
 * A step that acts once a deadline has passed: when the session is still in a state the deadline applies
 * to, it runs its command; when it was claimed early (another process's clock runs ahead) it reschedules
 * itself for the deadline; otherwise the deadline no longer applies, and the job is done.
 */
abstract class DeadlineStep extends SessionStep {
  /** The deadline, when the session's state is one it applies to. */
  protected abstract deadlineOf(row: SessionViewRow): number | undefined;
  /** What to do once it has passed. */
  protected abstract act(job: ClaimedJob, now: number): SessionChange;

  protected plan(job: ClaimedJob, row: SessionViewRow): Promise<Result<SessionChange, ApiError>> {
    const deadline = this.deadlineOf(row);
    if (deadline === undefined) return Promise.resolve(done(job));
    const now = this.clock.now();
    if (now < deadline) {
      return Promise.resolve(ok({ commands: [], schedule: [{ ...keyOf(job), dueAt: deadline }] }));
    }
    return Promise.resolve(ok(this.act(job, now)));
  }
}

/** At `stopAt`, the automatic stop of a READY session (the system identity as `stoppedBy`). */
@injectable()
export class AutoStopStep extends DeadlineStep {
  readonly kind = 'auto-stop' as const;

  constructor(@inject(SessionCommands) pipeline: SessionCommands, @inject(TOKENS.Clock) clock: Clock) {
    super(pipeline, clock);
  }

  protected deadlineOf(row: SessionViewRow): number | undefined {
    return row.session.state === 'READY' ? lifecycleOf(row.session).stopAt : undefined;
  }

  protected act(job: ClaimedJob, now: number): SessionChange {
    return { commands: [{ type: 'RequestStop', now, automatic: true }], complete: [keyOf(job)] };
  }
}

/** At `terminateAt`, the automatic termination of a READY or STOPPED session. */
@injectable()
export class AutoTerminateStep extends DeadlineStep {
  readonly kind = 'auto-terminate' as const;

  constructor(@inject(SessionCommands) pipeline: SessionCommands, @inject(TOKENS.Clock) clock: Clock) {
    super(pipeline, clock);
  }

  protected deadlineOf(row: SessionViewRow): number | undefined {
    const { state } = row.session;
    return state === 'READY' || state === 'STOPPED' ? lifecycleOf(row.session).terminateAt : undefined;
  }

  protected act(job: ClaimedJob, now: number): SessionChange {
    return { commands: [{ type: 'RequestDelete', now, automatic: true }], complete: [keyOf(job)] };
  }
}

/** Once a DELETED session's retention has passed, removes it from the view (its events stay). */
@injectable()
export class PurgeStep extends DeadlineStep {
  readonly kind = 'purge' as const;

  constructor(
    @inject(SessionCommands) pipeline: SessionCommands,
    @inject(TOKENS.Clock) clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {
    super(pipeline, clock);
  }

  protected deadlineOf(row: SessionViewRow): number | undefined {
    return row.session.state === 'DELETED'
      ? row.session.updatedAt + this.config.deletedRetentionMs
      : undefined;
  }

  protected act(job: ClaimedJob): SessionChange {
    return { commands: [], complete: [keyOf(job)], purge: true };
  }
}
