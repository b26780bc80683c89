import { ok, err, type Result } from 'neverthrow';
import {
  evolveLedger,
  ledgerEventsForSessionEvents,
  reservationForSessionEvents,
  type ExistingSession,
  type QuotaLedgerEvent,
  type QuotaLedgerState,
  type QuotaLimits,
  type StreamingSessionEvent,
  type StreamingSessionState,
} from '../domain/index.js';
import { jobChanges, jobsDue, type JobsDue } from './jobs/session-jobs.js';
import type { LedgerAt, LedgerCache } from './ledger-cache.js';
import {
  RETRY,
  type Contribution,
  type Decided,
  type Plugin,
  type Refusal,
} from './pipeline/command-pipeline.js';
import { sessionEntity } from './ports/entities.js';
import { ExpectedVersion, type ViewWrite } from './ports/event-store.js';
import type { JobKey, ScheduledJob } from './ports/jobs.js';
import { ledgerStreamId } from './streams.js';

/** What a session command asks for besides its domain commands: its own job changes, a purge. */
export interface SessionExtras {
  readonly schedule?: readonly ScheduledJob[];
  readonly complete?: readonly JobKey[];
  readonly purge?: boolean;
}

/** A plug-in of the session aggregate. */
export type SessionPlugin = Plugin<StreamingSessionState, StreamingSessionEvent, SessionExtras>;
type SessionDecided = Decided<StreamingSessionState, StreamingSessionEvent, SessionExtras>;

const NO_JOBS: JobsDue = new Map();

/** Whether a session exists (has been requested): the states a view row can hold. */
export function isExistingSession(state: StreamingSessionState): state is ExistingSession {
  return state.state !== 'NOT_REQUESTED';
}

/** The view row, kept in step with the events in the same commit. */
export const sessionView: SessionPlugin = (d) => {
  if (d.events.length === 0 || !isExistingSession(d.after)) return ok({});
  const row: ViewWrite = {
    studioId: d.key.studioId,
    entity: sessionEntity(d.key.id),
    version: d.version,
    body: d.after,
  };
  return ok({ views: [row] });
};

/**
 * The jobs the new state calls for (see `jobsDue`): those it no longer needs are completed, those it needs
 * anew are scheduled; a job the command names itself wins over the derived change of the same kind.
 */
export function sessionJobs(deletedRetentionMs: number): SessionPlugin {
  return (d) => {
    const due = (s: StreamingSessionState) =>
      isExistingSession(s) ? jobsDue(s, deletedRetentionMs) : NO_JOBS;
    const key = { studioId: d.key.studioId, entity: sessionEntity(d.key.id) };
    const derived =
      d.events.length === 0 ? { schedule: [], complete: [] } : jobChanges(key, due(d.before), due(d.after));
    const ownKinds = new Set([...(d.own.schedule ?? []), ...(d.own.complete ?? [])].map((j) => j.kind));
    if (ownKinds.size === 0) return ok(derived);
    return ok({
      schedule: [...derived.schedule.filter((j) => !ownKinds.has(j.kind)), ...(d.own.schedule ?? [])],
      complete: [...derived.complete.filter((j) => !ownKinds.has(j.kind)), ...(d.own.complete ?? [])],
    });
  };
}

/** The view row's removal, when the command asks for it (a DELETED session past its retention). */
export const sessionPurge: SessionPlugin = (d) =>
  ok(d.own.purge === true ? { purge: [{ studioId: d.key.studioId, entity: sessionEntity(d.key.id) }] } : {});

/** The ledger append of these ledger events, with what the cache learns when it commits or conflicts. */
function ledgerPart(
  ledgers: LedgerCache,
  studioId: string,
  ledger: LedgerAt,
  events: readonly QuotaLedgerEvent[],
): Contribution {
  const state: QuotaLedgerState = events.reduce(evolveLedger, ledger.state);
  const version = ledger.version + events.length;
  const streamId = ledgerStreamId(studioId);
  return {
    appends: [
      { streamId, studioId, expected: ExpectedVersion.after(ledger.version), events, snapshot: state },
    ],
    onCommitted: () => {
      ledgers.remember(studioId, state, version);
    },
    onConflict: (conflict) => {
      // Another process moved the ledger on: the cached entry is stale.
      if (conflict.type === 'WrongExpectedVersion' && conflict.streamId === streamId)
        ledgers.forget(studioId);
    },
  };
}

/**
 * The quota slot a new session reserves, decided on the studio's ledger in the same commit. A refusal
 * from a cached ledger is confirmed on a fresh read (the cache may be stale: another process gave a slot
 * back), by another attempt.
 */
export function quotaReservation(ledgers: LedgerCache, limits: QuotaLimits): SessionPlugin {
  return (d) => {
    if (!d.events.some((e) => e.type === 'SessionRequested')) return ok({});
    const studioId = d.key.studioId;
    const reserve = (ledger: LedgerAt): Result<Contribution, Refusal> => {
      const reserved = reservationForSessionEvents(d.events, { state: ledger.state, limits });
      if (reserved.isOk()) return ok(ledgerPart(ledgers, studioId, ledger, reserved.value));
      if (reserved.error.type === 'ServiceQuotaExceededException' && ledger.cached) {
        ledgers.forget(studioId);
        return err(RETRY);
      }
      return err(reserved.error);
    };
    // In steady state the ledger is cached: then the reservation is decided without an await.
    const cached = ledgers.peek(studioId);
    return cached === undefined ? ledgers.load(studioId).then(reserve) : reserve(cached);
  };
}

/**
 * The quota slot a deleted session gives back, derived from SessionDeleted, which the session stream
 * decides at most once, and committed in the same unit: so the slot comes back exactly once, whatever the
 * retries. A cached ledger that knows no such slot may predate its reservation (made by another process):
 * the release is confirmed on a fresh read, or the slot would never be given back.
 */
export function quotaRelease(ledgers: LedgerCache): SessionPlugin {
  return async (d: SessionDecided): Promise<Result<Contribution, never>> => {
    if (!d.events.some((e) => e.type === 'SessionDeleted')) return ok({});
    const studioId = d.key.studioId;
    let ledger = await ledgers.load(studioId);
    let released = ledgerEventsForSessionEvents(d.events, ledger.state);
    if (released.length === 0 && ledger.cached) {
      ledgers.forget(studioId);
      ledger = await ledgers.load(studioId);
      released = ledgerEventsForSessionEvents(d.events, ledger.state);
    }
    return ok(released.length === 0 ? {} : ledgerPart(ledgers, studioId, ledger, released));
  };
}
