import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  conflict,
  resourceNotFound,
  StreamingSession,
  type ApiError,
  type ExistingSession,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import type { Clock } from './ports/clock.js';
import { ExpectedVersion, type EventStore, type UnitOfWork } from './ports/event-store.js';
import type { JobKey, ScheduledJob } from './ports/jobs.js';
import type { SessionViewRow, SessionViews } from './ports/session-views.js';
import { sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** Which session a command is for. */
export interface SessionKey {
  readonly studioId: string;
  readonly sessionId: string;
}

/**
 * What a command does, once its facts are known: domain commands to decide in order (each against the
 * state the previous ones left), and the job changes to commit with their events.
 */
export interface SessionChange {
  readonly commands: readonly StreamingSessionCommand[];
  readonly schedule?: readonly ScheduledJob[];
  readonly complete?: readonly JobKey[];
}

/** A committed change: the session as it is now, its stream version, and the events the commit appended. */
export interface SessionOutcome {
  readonly session: ExistingSession;
  readonly version: number;
  readonly events: readonly StreamingSessionEvent[];
}

/**
 * The one way a command reaches an existing session: load its state and version (from the view, which
 * the same commits keep in step with the stream), let the caller plan the change, decide each domain
 * command, evolve, and commit the events, the view row and the job changes as one unit. A version conflict
 * (another worker or request moved the session on) reloads and plans again, a bounded number of times.
 * Handlers and job steps then read as a short description of their command.
 */
@injectable()
export class SessionCommandPipeline {
  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async execute(
    target: SessionKey,
    plan: (row: SessionViewRow) => Promise<Result<SessionChange, ApiError>>,
  ): Promise<Result<SessionOutcome, ApiError>> {
    for (let attempt = 1; attempt <= this.config.maxCommitAttempts; attempt++) {
      const row = await this.views.get(target.studioId, target.sessionId);
      if (row === undefined) return err(resourceNotFound('streaming session', target.sessionId));
      const change = await plan(row);
      if (change.isErr()) return err(change.error);
      const decided = decideAll(row.session, change.value.commands);
      if (decided.isErr()) return err(decided.error);
      const { session, events } = decided.value;
      const version = row.version + events.length;
      const unit: UnitOfWork = {
        appends:
          events.length === 0
            ? []
            : [
                {
                  streamId: sessionStreamId(target.studioId, target.sessionId),
                  studioId: target.studioId,
                  expected: ExpectedVersion.exact(row.version),
                  events,
                },
              ],
        ...(events.length === 0 ? {} : { views: [{ ...target, version, session }] }),
        ...(change.value.schedule === undefined ? {} : { schedule: change.value.schedule }),
        ...(change.value.complete === undefined ? {} : { complete: change.value.complete }),
      };
      if (unit.appends.length === 0 && unit.schedule === undefined && unit.complete === undefined) {
        return ok({ session, version, events });
      }
      const committed = await this.store.commit(unit, this.clock.now());
      if (committed.isOk()) return ok({ session, version, events });
    }
    return err(
      conflict('CONCURRENT_MODIFICATION', 'The session kept changing while the request was applied; retry.', {
        sessionId: target.sessionId,
      }),
    );
  }

  /** Completes jobs whose work is over without a change to their session (it is gone, or moved on). */
  async complete(...jobs: readonly JobKey[]): Promise<void> {
    const keys = jobs.map((j) => ({ studioId: j.studioId, sessionId: j.sessionId, kind: j.kind }));
    await this.store.commit({ appends: [], complete: keys }, this.clock.now());
  }
}

/** Decides the commands in order, each against the state the previous ones left. */
function decideAll(
  initial: ExistingSession,
  commands: readonly StreamingSessionCommand[],
): Result<{ session: ExistingSession; events: StreamingSessionEvent[] }, ApiError> {
  let session = initial;
  const events: StreamingSessionEvent[] = [];
  for (const command of commands) {
    const decided = StreamingSession.decide(command, session);
    if (decided.isErr()) return err(decided.error);
    events.push(...decided.value);
    session = decided.value.reduce(StreamingSession.evolve, session) as ExistingSession;
  }
  return ok({ session, events });
}
