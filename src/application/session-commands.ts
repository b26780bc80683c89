import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  conflict,
  initialSessionState,
  internalError,
  resourceNotFound,
  StreamingSession,
  type ApiError,
  type CreateStreamingSession,
  type ExistingSession,
  type QuotaLimits,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from '../domain/index.js';
import type { ServiceConfig } from './config.js';
import { LedgerCache } from './ledger-cache.js';
import { CommandPipeline, type CommandSpec, type Outcome } from './pipeline/command-pipeline.js';
import type { ClientTokenKey, ClientTokenRecord } from './ports/event-store.js';
import type { IdGenerator } from './ports/clock.js';
import type { JobKey } from './ports/jobs.js';
import type { SessionViewRow, SessionViews } from './ports/session-views.js';
import {
  isExistingSession,
  quotaRelease,
  quotaReservation,
  sessionJobs,
  sessionPurge,
  sessionView,
  type SessionExtras,
  type SessionPlugin,
} from './session-plugins.js';
import { sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** Which session a command is for. */
export interface SessionKey {
  readonly studioId: string;
  readonly sessionId: string;
}

/**
 * What a command does, once its facts are known: domain commands to decide in order (each against the
 * state the previous ones left), and what to commit with their events beyond what the plug-ins derive:
 * a step's own job changes (which win over the derived ones), and the purge of the view row.
 */
export interface SessionChange extends SessionExtras {
  readonly commands: readonly StreamingSessionCommand[];
}

/** The request's client token, recorded with the change so that a repeat is answered, not re-applied. */
export interface TokenUse {
  readonly key: ClientTokenKey;
  readonly fingerprint: string;
}

/**
 * A committed change: the session as it is now, its stream version and the events the commit appended;
 * or, when the request's client token turned out to be held already, the record holding it.
 */
export type SessionOutcome =
  | {
      readonly session: ExistingSession;
      readonly version: number;
      readonly events: readonly StreamingSessionEvent[];
      readonly replayOf?: undefined;
    }
  | { readonly replayOf: ClientTokenRecord };

type SessionSpec = CommandSpec<
  StreamingSessionCommand,
  StreamingSessionState,
  StreamingSessionEvent,
  SessionExtras
>;

/**
 * The session aggregate on the command pipeline: its decider, how a command finds its stream (the view
 * row of an existing session, which the same commits keep in step with the stream; or a new stream with
 * a fresh id), and its plug-ins: the view row, the jobs its state calls for, the quota slot reserved at
 * creation and given back at deletion, and the purge of a DELETED session's row.
 */
@injectable()
export class SessionCommands {
  /** The plug-ins every session command has; built once. */
  readonly #common: readonly SessionPlugin[];
  /** …and a command on an existing session adds the release of its quota slot. */
  readonly #onExisting: readonly SessionPlugin[];

  constructor(
    @inject(CommandPipeline) private readonly pipeline: CommandPipeline,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(LedgerCache) private readonly ledgers: LedgerCache,
    @inject(TOKENS.IdGenerator) private readonly ids: IdGenerator,
    @inject(TOKENS.ServiceConfig) config: ServiceConfig,
  ) {
    this.#common = [sessionView, sessionJobs(config.deletedRetentionMs), sessionPurge];
    this.#onExisting = [...this.#common, quotaRelease(ledgers)];
  }

  /** A command on an existing session: `plan` says what to decide, given the session as it is now. */
  async execute(
    target: SessionKey,
    plan: (row: SessionViewRow) => Promise<Result<SessionChange, ApiError>>,
    token?: TokenUse,
  ): Promise<Result<SessionOutcome, ApiError>> {
    const key = { studioId: target.studioId, kind: 'session', id: target.sessionId } as const;
    const spec: SessionSpec = {
      decider: StreamingSession,
      load: async () => {
        const row = await this.views.get(key.studioId, key.id);
        if (row === undefined) return err(resourceNotFound('streaming session', key.id));
        return ok({
          key,
          streamId: sessionStreamId(key.studioId, key.id),
          state: row.session,
          version: row.version,
        });
      },
      plan: async (loaded) => {
        const session = loaded.state as ExistingSession;
        const change = await plan({ session, version: loaded.version });
        return change.map(({ commands, ...own }) => ({ commands, own }));
      },
      plugins: this.#onExisting,
      ...(token === undefined ? {} : { token }),
      exhausted: conflict(
        'CONCURRENT_MODIFICATION',
        'The session kept changing while the request was applied; retry.',
        { sessionId: key.id },
      ),
    };
    return (await this.pipeline.run(spec)).andThen(toSessionOutcome);
  }

  /**
   * A new session: each attempt gives it a fresh id and decides `command` for it (a collision with an
   * existing id is a version conflict, and another attempt), reserving its quota slot under `limits`.
   */
  async create(
    studioId: string,
    command: (sessionId: string, now: number) => CreateStreamingSession,
    limits: QuotaLimits,
    token?: TokenUse,
  ): Promise<Result<SessionOutcome, ApiError>> {
    const spec: SessionSpec = {
      decider: StreamingSession,
      load: () => {
        const id = this.ids.sessionId();
        return ok({
          key: { studioId, kind: 'session', id },
          streamId: sessionStreamId(studioId, id),
          state: initialSessionState,
          version: 0,
        });
      },
      plan: (loaded, now) => ok({ commands: [command(loaded.key.id, now)], own: {} }),
      plugins: [...this.#common, quotaReservation(this.ledgers, limits)],
      ...(token === undefined ? {} : { token }),
      exhausted: conflict(
        'CONCURRENT_MODIFICATION',
        'Too many concurrent creates in this studio; retry the request.',
        { studioId },
      ),
    };
    return (await this.pipeline.run(spec)).andThen(toSessionOutcome);
  }

  /** Completes jobs whose work is over without a change to their session (it is gone, or moved on). */
  complete(...jobs: readonly JobKey[]): Promise<void> {
    return this.pipeline.complete(...jobs);
  }
}

function toSessionOutcome(
  outcome: Outcome<StreamingSessionState, StreamingSessionEvent>,
): Result<SessionOutcome, ApiError> {
  if (outcome.replayOf !== undefined) return ok({ replayOf: outcome.replayOf });
  const { state, version, events } = outcome;
  // Every command the pipeline runs leaves a session that exists: a create requests it, others act on one.
  if (!isExistingSession(state)) {
    return err(internalError('SESSION_MISSING', 'The command left no session.', {}));
  }
  return ok({ session: state, version, events });
}
