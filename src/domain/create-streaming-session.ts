import { ok, type Result } from 'neverthrow';
import type { DomainError } from './errors.js';
import {
  QuotaLedger,
  type QuotaLedgerEvent,
  type QuotaLedgerState,
  type QuotaLimits,
} from './quota/ledger.js';
import type { CreateStreamingSession } from './streaming-session/commands.js';
import type { StreamingSessionEvent } from './streaming-session/events.js';
import { StreamingSession } from './streaming-session/decider.js';
import type { StreamingSessionState } from './streaming-session/state.js';

/** The events of an accepted create: the session's first event and the studio ledger's reservation. */
export interface CreateDecision {
  readonly session: readonly StreamingSessionEvent[];
  readonly ledger: readonly QuotaLedgerEvent[];
}

/**
 * The whole CreateStreamingSession decision: the session rules first (reference §4.2 steps 1–6), then the
 * studio's quota ledger (step 7). Both sets of events are meant to be committed atomically, the ledger with
 * optimistic concurrency, so two creates racing for the last slot cannot both win.
 */
export function decideCreateStreamingSession(
  command: CreateStreamingSession,
  session: StreamingSessionState,
  ledger: { readonly state: QuotaLedgerState; readonly limits: QuotaLimits },
): Result<CreateDecision, DomainError> {
  return StreamingSession.decide(command, session).andThen((sessionEvents) =>
    reservationForSessionEvents(sessionEvents, ledger).map((ledgerEvents) => ({
      session: sessionEvents,
      ledger: ledgerEvents,
    })),
  );
}

/**
 * The ledger events a batch of session events calls for at creation: the reservation of the slot that
 * `SessionRequested` asks for (or the quota it would breach), nothing for any other event.
 */
export function reservationForSessionEvents(
  events: readonly StreamingSessionEvent[],
  ledger: { readonly state: QuotaLedgerState; readonly limits: QuotaLimits },
): Result<readonly QuotaLedgerEvent[], DomainError> {
  const requested = events.find((e) => e.type === 'SessionRequested');
  if (requested === undefined) return ok([]);
  const slot = {
    sessionId: requested.data.sessionId,
    ec2InstanceType: requested.data.ec2InstanceType,
    ownedBy: requested.data.ownedBy,
  };
  return QuotaLedger.decide({ type: 'ReserveSessionSlot', slot, limits: ledger.limits }, ledger.state);
}
