import { inject, injectable } from 'inversify';
import { err, ok, type Result } from 'neverthrow';
import {
  conflict,
  evolveLedger,
  ledgerEventsForSessionEvents,
  resourceNotFound,
  StreamingSession,
  type ApiError,
  type ExistingSession,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
} from '../domain/index.js';
import { ClientTokens } from './client-tokens.js';
import type { ServiceConfig } from './config.js';
import { jobChanges, jobsDue } from './jobs/session-jobs.js';
import { LedgerCache } from './ledger-cache.js';
import type { Clock } from './ports/clock.js';
import {
  ExpectedVersion,
  type ClientTokenKey,
  type ClientTokenRecord,
  type EventStore,
  type StreamAppend,
  type UnitOfWork,
} from './ports/event-store.js';
import type { JobKey, ScheduledJob } from './ports/jobs.js';
import type { SessionViewRow, SessionViews } from './ports/session-views.js';
import { ledgerStreamId, sessionStreamId } from './streams.js';
import { TOKENS } from './tokens.js';

/** Which session a command is for. */
export interface SessionKey {
  readonly studioId: string;
  readonly sessionId: string;
}

/**
 * What a command does, once its facts are known: domain commands to decide in order (each against the
 * state the previous ones left), and what to commit with their events beyond what the pipeline derives
 * itself: a step's own job changes (which win over the derived ones), and the purge of the view row.
 */
export interface SessionChange {
  readonly commands: readonly StreamingSessionCommand[];
  readonly schedule?: readonly ScheduledJob[];
  readonly complete?: readonly JobKey[];
  readonly purge?: boolean;
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

/**
 * The one way a command reaches an existing session: load its state and version (from the view, which
 * the same commits keep in step with the stream), let the caller plan the change, decide each domain
 * command, evolve, and commit as one unit the events, the view row, the jobs the new state calls for (see
 * `jobsDue`), the quota slot given back when the session reaches DELETED, and the client token. A version
 * conflict (another worker or request moved the session or the ledger on) reloads and plans again, a
 * bounded number of times. Handlers and job steps then read as a short description of their command.
 */
@injectable()
export class SessionCommandPipeline {
  constructor(
    @inject(TOKENS.EventStore) private readonly store: EventStore,
    @inject(TOKENS.SessionViews) private readonly views: SessionViews,
    @inject(LedgerCache) private readonly ledgers: LedgerCache,
    @inject(ClientTokens) private readonly tokens: ClientTokens,
    @inject(TOKENS.Clock) private readonly clock: Clock,
    @inject(TOKENS.ServiceConfig) private readonly config: ServiceConfig,
  ) {}

  async execute(
    target: SessionKey,
    plan: (row: SessionViewRow) => Promise<Result<SessionChange, ApiError>>,
    token?: TokenUse,
  ): Promise<Result<SessionOutcome, ApiError>> {
    const key = { studioId: target.studioId, sessionId: target.sessionId };
    for (let attempt = 1; attempt <= this.config.maxCommitAttempts; attempt++) {
      const row = await this.views.get(key.studioId, key.sessionId);
      if (row === undefined) return err(resourceNotFound('streaming session', key.sessionId));
      const change = await plan(row);
      if (change.isErr()) return err(change.error);
      const decided = decideAll(row.session, change.value.commands);
      if (decided.isErr()) return err(decided.error);
      const { session, events } = decided.value;
      const version = row.version + events.length;
      const now = this.clock.now();

      const appends: StreamAppend[] = [];
      if (events.length > 0) {
        appends.push({
          streamId: sessionStreamId(key.studioId, key.sessionId),
          studioId: key.studioId,
          expected: ExpectedVersion.exact(row.version),
          events,
        });
      }
      const ledger = await this.releaseSlot(key.studioId, events);
      if (ledger !== undefined) appends.push(ledger.append);

      const derived =
        events.length === 0
          ? { schedule: [], complete: [] }
          : jobChanges(
              key,
              jobsDue(row.session, this.config.deletedRetentionMs),
              jobsDue(session, this.config.deletedRetentionMs),
            );
      const jobs = mergeJobs(derived, change.value);
      const unit: UnitOfWork = {
        appends,
        ...(events.length === 0 ? {} : { views: [{ ...key, version, session }] }),
        ...(jobs.schedule.length === 0 ? {} : { schedule: jobs.schedule }),
        ...(jobs.complete.length === 0 ? {} : { complete: jobs.complete }),
        ...(change.value.purge === true ? { purge: [key] } : {}),
        ...(token === undefined
          ? {}
          : { clientToken: this.tokens.record(token.key, token.fingerprint, key.sessionId, now) }),
      };
      const empty =
        appends.length === 0 &&
        unit.schedule === undefined &&
        unit.complete === undefined &&
        unit.purge === undefined &&
        unit.clientToken === undefined;
      if (empty) return ok({ session, version, events });
      const committed = await this.store.commit(unit, now);
      if (committed.isOk()) {
        if (ledger !== undefined) this.ledgers.remember(key.studioId, ledger.state, ledger.version);
        return ok({ session, version, events });
      }
      if (committed.error.type === 'ClientTokenAlreadyUsed')
        return ok({ replayOf: committed.error.existing });
      if (committed.error.streamId === ledgerStreamId(key.studioId)) this.ledgers.forget(key.studioId);
    }
    return err(
      conflict('CONCURRENT_MODIFICATION', 'The session kept changing while the request was applied; retry.', {
        sessionId: key.sessionId,
      }),
    );
  }

  /** Completes jobs whose work is over without a change to their session (it is gone, or moved on). */
  async complete(...jobs: readonly JobKey[]): Promise<void> {
    const keys = jobs.map((j) => ({ studioId: j.studioId, sessionId: j.sessionId, kind: j.kind }));
    await this.store.commit({ appends: [], complete: keys }, this.clock.now());
  }

  /**
   * The ledger append that gives the session's quota slot back, when these events delete it. The release
   * is derived from SessionDeleted, which the session stream decides at most once, and commits in the same
   * unit: so the slot comes back exactly once, whatever the retries.
   */
  private async releaseSlot(
    studioId: string,
    events: readonly StreamingSessionEvent[],
  ): Promise<{ append: StreamAppend; state: ReturnType<typeof evolveLedger>; version: number } | undefined> {
    if (!events.some((e) => e.type === 'SessionDeleted')) return undefined;
    let ledger = await this.ledgers.load(studioId);
    let released = ledgerEventsForSessionEvents(events, ledger.state);
    if (released.length === 0 && ledger.cached) {
      // A cached ledger may predate the slot's reservation (made by another process): a refusal from the
      // cache is confirmed on a fresh read, or the slot would never be given back.
      this.ledgers.forget(studioId);
      ledger = await this.ledgers.load(studioId);
      released = ledgerEventsForSessionEvents(events, ledger.state);
    }
    if (released.length === 0) return undefined;
    const state = released.reduce(evolveLedger, ledger.state);
    return {
      append: {
        streamId: ledgerStreamId(studioId),
        studioId,
        expected: ExpectedVersion.after(ledger.version),
        events: released,
        snapshot: state,
      },
      state,
      version: ledger.version + released.length,
    };
  }
}

/** The derived job changes with the step's own on top: for a job both name, the step's choice wins. */
function mergeJobs(
  derived: { readonly schedule: readonly ScheduledJob[]; readonly complete: readonly JobKey[] },
  own: { readonly schedule?: readonly ScheduledJob[]; readonly complete?: readonly JobKey[] },
): { schedule: ScheduledJob[]; complete: JobKey[] } {
  const ownKinds = new Set([...(own.schedule ?? []), ...(own.complete ?? [])].map((j) => j.kind));
  return {
    schedule: [...derived.schedule.filter((j) => !ownKinds.has(j.kind)), ...(own.schedule ?? [])],
    complete: [...derived.complete.filter((j) => !ownKinds.has(j.kind)), ...(own.complete ?? [])],
  };
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
