import { err, ok, type Result } from 'neverthrow';
import type { Decider } from '../decider.js';
import {
  conflict,
  quotaExceeded,
  type ConflictException,
  type ServiceQuotaExceededException,
} from '../errors.js';
import { instanceFamily } from '../values.js';

/**
 * Quota limits of one studio (reference §6). The per-studio total is not documented by AWS: 20 is this
 * project's default. G5 defaults to 0, as AWS's does. A per-owner limit is off unless configured.
 */
export interface QuotaLimits {
  readonly maxSessions: number;
  readonly maxSessionsPerInstanceFamily: Readonly<Record<string, number>>;
  readonly maxSessionsPerOwner?: number;
}

export const DEFAULT_QUOTA_LIMITS: QuotaLimits = {
  maxSessions: 20,
  maxSessionsPerInstanceFamily: { g5: 0 },
};

/** The quota names that appear in `context.quotaName`. */
export const QUOTA_NAMES = {
  total: 'Streaming sessions per studio',
  family: (family: string) => `${family.toUpperCase()} streaming sessions per studio`,
  owner: 'Streaming sessions per owner',
} as const;

/**
 * What counts against a studio's quotas: counters, not a list, so a decision costs the same whatever the
 * number of sessions. A session counts from its request until it is DELETED (CREATE_FAILED and STOPPED
 * sessions included, as AWS documents).
 */
export interface QuotaLedgerState {
  readonly total: number;
  readonly byInstanceFamily: Readonly<Record<string, number>>;
  readonly byOwner: Readonly<Record<string, number>>;
}

export const initialLedgerState: QuotaLedgerState = { total: 0, byInstanceFamily: {}, byOwner: {} };

export interface SessionSlot {
  readonly sessionId: string;
  readonly ec2InstanceType: string;
  readonly ownedBy: string;
}

export interface ReserveSessionSlot {
  readonly type: 'ReserveSessionSlot';
  readonly slot: SessionSlot;
  readonly limits: QuotaLimits;
}

export interface ReleaseSessionSlot {
  readonly type: 'ReleaseSessionSlot';
  readonly slot: SessionSlot;
}

export type QuotaLedgerCommand = ReserveSessionSlot | ReleaseSessionSlot;

export interface SessionSlotReserved {
  readonly type: 'SessionSlotReserved';
  readonly version: 1;
  readonly data: SessionSlot;
}

export interface SessionSlotReleased {
  readonly type: 'SessionSlotReleased';
  readonly version: 1;
  readonly data: SessionSlot;
}

export type QuotaLedgerEvent = SessionSlotReserved | SessionSlotReleased;

export type QuotaLedgerError = ServiceQuotaExceededException | ConflictException;

function breach(quotaName: string, limit: number, current: number): ServiceQuotaExceededException {
  return quotaExceeded(
    'SERVICE_QUOTA_EXCEEDED',
    `The quota "${quotaName}" (${limit}) is reached: ${current} in use.`,
    {
      quotaName,
      limit: String(limit),
      current: String(current),
    },
  );
}

/**
 * A counter or limit by key, looking at own properties only: owner ids are free strings, and one named
 * `constructor` or `__proto__` must not read Object.prototype's members (which would skip the count).
 */
function own(record: Readonly<Record<string, number>>, key: string): number | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

function reserve(
  command: ReserveSessionSlot,
  state: QuotaLedgerState,
): Result<readonly QuotaLedgerEvent[], QuotaLedgerError> {
  const { slot, limits } = command;
  if (state.total >= limits.maxSessions)
    return err(breach(QUOTA_NAMES.total, limits.maxSessions, state.total));
  const family = instanceFamily(slot.ec2InstanceType);
  const familyLimit = own(limits.maxSessionsPerInstanceFamily, family);
  const familyCount = own(state.byInstanceFamily, family) ?? 0;
  if (familyLimit !== undefined && familyCount >= familyLimit) {
    return err(breach(QUOTA_NAMES.family(family), familyLimit, familyCount));
  }
  const ownerCount = own(state.byOwner, slot.ownedBy) ?? 0;
  if (limits.maxSessionsPerOwner !== undefined && ownerCount >= limits.maxSessionsPerOwner) {
    return err(breach(QUOTA_NAMES.owner, limits.maxSessionsPerOwner, ownerCount));
  }
  return ok([{ type: 'SessionSlotReserved', version: 1, data: slot }]);
}

/** Whether the ledger holds a slot of this family and owner (a counter cannot tell which session). */
function holdsSlot(state: QuotaLedgerState, slot: SessionSlot): boolean {
  const family = instanceFamily(slot.ec2InstanceType);
  return (own(state.byInstanceFamily, family) ?? 0) >= 1 && (own(state.byOwner, slot.ownedBy) ?? 0) >= 1;
}

function release(
  command: ReleaseSessionSlot,
  state: QuotaLedgerState,
): Result<readonly QuotaLedgerEvent[], QuotaLedgerError> {
  if (!holdsSlot(state, command.slot)) {
    return err(
      conflict('SLOT_NOT_RESERVED', `No quota slot is held for the session ${command.slot.sessionId}.`, {
        sessionId: command.slot.sessionId,
      }),
    );
  }
  return ok([{ type: 'SessionSlotReleased', version: 1, data: command.slot }]);
}

function bump(
  counts: Readonly<Record<string, number>>,
  key: string,
  delta: number,
): Readonly<Record<string, number>> {
  const next = (own(counts, key) ?? 0) + delta;
  const { [key]: _dropped, ...rest } = counts;
  return next > 0 ? { ...rest, [key]: next } : rest;
}

/** Counts a reservation in, or a release out. Never below zero, so a stray event cannot corrupt it. */
export function evolveLedger(state: QuotaLedgerState, event: QuotaLedgerEvent): QuotaLedgerState {
  const family = instanceFamily(event.data.ec2InstanceType);
  let delta: 1 | -1;
  switch (event.type) {
    case 'SessionSlotReserved':
      delta = 1;
      break;
    case 'SessionSlotReleased':
      delta = -1;
      break;
    default: {
      // An event type this version does not know changes nothing, rather than counting as a release.
      const _unknown: never = event;
      return state;
    }
  }
  if (delta < 0 && !holdsSlot(state, event.data)) return state;
  return {
    total: state.total + delta,
    byInstanceFamily: bump(state.byInstanceFamily, family, delta),
    byOwner: bump(state.byOwner, event.data.ownedBy, delta),
  };
}

/** The per-studio quota ledger as a decider. */
export const QuotaLedger: Decider<QuotaLedgerCommand, QuotaLedgerState, QuotaLedgerEvent, QuotaLedgerError> =
  {
    decide: (command, state) =>
      command.type === 'ReserveSessionSlot' ? reserve(command, state) : release(command, state),
    evolve: evolveLedger,
    initialState: initialLedgerState,
    isTerminal: () => false,
  };
