import type { Result } from 'neverthrow';
import type { DomainError } from './errors.js';
import {
  QuotaLedger,
  type QuotaLedgerEvent,
  type QuotaLedgerState,
  type SessionSlot,
} from './quota/ledger.js';
import type { CreateStreamingSession, StreamingSessionCommand } from './streaming-session/commands.js';
import { StreamingSession } from './streaming-session/decider.js';
import type { SessionDeleted, SessionRequestedData } from './streaming-session/events.js';
import type { StreamingSessionEvent } from './streaming-session/events.js';
import type { StreamingSessionState } from './streaming-session/state.js';

/** The quota slot a session holds: its id, instance type and owner, frozen when it was requested. */
export function sessionSlotOf(
  session: Pick<SessionRequestedData, 'sessionId' | 'ec2InstanceType' | 'ownedBy'>,
): SessionSlot {
  return { sessionId: session.sessionId, ec2InstanceType: session.ec2InstanceType, ownedBy: session.ownedBy };
}

/**
 * The ledger events to commit together with a session's SessionDeleted: the release of its slot.
 *
 * Why a slot is given back exactly once. The ledger keeps counters per instance family and owner, not the
 * ids of the sessions it holds (so its state and snapshots stay the same size with a million sessions),
 * and so it cannot tell a second release of one session from the release of another session of the same
 * family and owner. The session stream can: SessionDeleted is decided at most once per session (DELETED
 * answers a repeated CompleteDelete with no events), and this release is derived from that event only.
 * Committing both in one unit of work, with optimistic concurrency on the session stream, makes the
 * release happen exactly when the session reaches DELETED, once, whatever the retries.
 *
 * A release the ledger refuses (it holds no slot of that family and owner, e.g. a session created before
 * the ledger was kept) is no release: the answer is no events, and the delete goes ahead.
 */
export function ledgerEventsForSessionDeleted(
  event: SessionDeleted,
  ledger: QuotaLedgerState,
): readonly QuotaLedgerEvent[] {
  return QuotaLedger.decide({ type: 'ReleaseSessionSlot', slot: sessionSlotOf(event.data) }, ledger).unwrapOr(
    [],
  );
}

/** The ledger events a batch of session events calls for: a release for a SessionDeleted, nothing else. */
export function ledgerEventsForSessionEvents(
  events: readonly StreamingSessionEvent[],
  ledger: QuotaLedgerState,
): readonly QuotaLedgerEvent[] {
  const deleted = events.find((e): e is SessionDeleted => e.type === 'SessionDeleted');
  return deleted === undefined ? [] : ledgerEventsForSessionDeleted(deleted, ledger);
}

/** Every command on a session that exists: provisioning steps, Stop, Start, Delete and their outcomes. */
export type ExistingSessionCommand = Exclude<StreamingSessionCommand, CreateStreamingSession>;

/** The events of an accepted step on an existing session, and the ledger's to commit with them. */
export interface SessionChangeDecision {
  readonly session: readonly StreamingSessionEvent[];
  readonly ledger: readonly QuotaLedgerEvent[];
}

/**
 * Decides a command on an existing session and, when it deletes the session, the release of its quota
 * slot. `ledger` is empty for every other step, and for a repeated CompleteDelete (see
 * `ledgerEventsForSessionDeleted` for why the release happens exactly once). An empty `session` means the
 * operation was already under way: the application answers the current session.
 */
export function decideStreamingSessionChange(
  command: ExistingSessionCommand,
  session: StreamingSessionState,
  ledger: QuotaLedgerState,
): Result<SessionChangeDecision, DomainError> {
  return StreamingSession.decide(command, session).map((events) => ({
    session: events,
    ledger: ledgerEventsForSessionEvents(events, ledger),
  }));
}
