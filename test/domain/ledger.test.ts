import { describe, expect, it } from 'vitest';
import {
  DEFAULT_QUOTA_LIMITS,
  QUOTA_NAMES,
  QuotaLedger,
  StreamingSession,
  decideCreateStreamingSession,
  evolveLedger,
  initialLedgerState,
  replay,
  type QuotaLedgerEvent,
  type QuotaLimits,
  type SessionSlot,
} from 'nimble-streaming-sessions/domain';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
import { OTHER_USER, SESSION_ID, USER, createCommand, launchProfile, requested } from './fixtures.js';

const given = DeciderSpecification.for(QuotaLedger);

const slot = (sessionId: string, ec2InstanceType = 'g4dn.xlarge', ownedBy = USER): SessionSlot => ({
  sessionId,
  ec2InstanceType,
  ownedBy,
});
const reserved = (s: SessionSlot): QuotaLedgerEvent => ({ type: 'SessionSlotReserved', version: 1, data: s });
const released = (s: SessionSlot): QuotaLedgerEvent => ({ type: 'SessionSlotReleased', version: 1, data: s });
const reserve = (s: SessionSlot, limits: QuotaLimits = DEFAULT_QUOTA_LIMITS) =>
  ({ type: 'ReserveSessionSlot', slot: s, limits }) as const;
const release = (s: SessionSlot) => ({ type: 'ReleaseSessionSlot', slot: s }) as const;

function breach(quotaName: string, limit: number, current: number) {
  return {
    type: 'ServiceQuotaExceededException',
    code: 'SERVICE_QUOTA_EXCEEDED',
    message: `The quota "${quotaName}" (${limit}) is reached: ${current} in use.`,
    context: { quotaName, limit: String(limit), current: String(current) },
  } as const;
}

describe('quota defaults (reference §6)', () => {
  it('20 sessions per studio, G5 = 0, no per-owner limit', () => {
    expect(DEFAULT_QUOTA_LIMITS).toStrictEqual({ maxSessions: 20, maxSessionsPerInstanceFamily: { g5: 0 } });
  });

  it('quota names', () => {
    expect(QUOTA_NAMES.total).toBe('Streaming sessions per studio');
    expect(QUOTA_NAMES.family('g5')).toBe('G5 streaming sessions per studio');
    expect(QUOTA_NAMES.owner).toBe('Streaming sessions per owner');
  });

  it('the ledger starts empty and is never terminal', () => {
    expect(QuotaLedger.initialState).toStrictEqual({ total: 0, byInstanceFamily: {}, byOwner: {} });
    expect(initialLedgerState).toBe(QuotaLedger.initialState);
    expect(QuotaLedger.isTerminal(initialLedgerState)).toBe(false);
    expect(QuotaLedger.evolve).toBe(evolveLedger);
  });
});

describe('ReserveSessionSlot', () => {
  it('under every limit: SessionSlotReserved with the slot', () => {
    given([])
      .when(reserve(slot('a')))
      .then([reserved(slot('a'))]);
  });

  it('total: the 21st session under the defaults is refused with 402 and {quotaName, limit, current}', () => {
    const twenty = Array.from({ length: 20 }, (_, i) => reserved(slot(`s${i}`, 'g4dn.xlarge', `owner-${i}`)));
    given(twenty)
      .when(reserve(slot('x')))
      .thenFails(breach('Streaming sessions per studio', 20, 20));
  });

  it('total: a limit of 2 admits two sessions and refuses the third', () => {
    const limits = { maxSessions: 2, maxSessionsPerInstanceFamily: {} };
    given([reserved(slot('a'))])
      .when(reserve(slot('b'), limits))
      .then([reserved(slot('b'))]);
    given([reserved(slot('a')), reserved(slot('b'))])
      .when(reserve(slot('c'), limits))
      .thenFails(breach('Streaming sessions per studio', 2, 2));
  });

  it('total 0: nothing can be created', () => {
    given([])
      .when(reserve(slot('a'), { maxSessions: 0, maxSessionsPerInstanceFamily: {} }))
      .thenFails(breach('Streaming sessions per studio', 0, 0));
  });

  it('per family: g5 defaults to 0, so the first g5 session is refused', () => {
    given([])
      .when(reserve(slot('a', 'g5.2xlarge')))
      .thenFails(breach('G5 streaming sessions per studio', 0, 0));
  });

  it('per family: a g4dn limit of 1 refuses the second g4dn but admits a g3', () => {
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: { g4dn: 1 } };
    given([reserved(slot('a', 'g4dn.xlarge'))])
      .when(reserve(slot('b', 'g4dn.12xlarge'), limits))
      .thenFails(breach('G4DN streaming sessions per studio', 1, 1));
    given([reserved(slot('a', 'g4dn.xlarge'))])
      .when(reserve(slot('b', 'g3.4xlarge'), limits))
      .then([reserved(slot('b', 'g3.4xlarge'))]);
  });

  it('per family: below a family limit, a session of that family is admitted', () => {
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: { g4dn: 2, g5: 1 } };
    given([reserved(slot('a', 'g4dn.xlarge'))])
      .when(reserve(slot('b', 'g4dn.4xlarge'), limits))
      .then([reserved(slot('b', 'g4dn.4xlarge'))]);
    given([])
      .when(reserve(slot('c', 'g5.xlarge'), limits))
      .then([reserved(slot('c', 'g5.xlarge'))]);
  });

  it('per family: g3 and g3s are different families', () => {
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: { g3: 1 } };
    given([reserved(slot('a', 'g3.4xlarge'))])
      .when(reserve(slot('b', 'g3s.xlarge'), limits))
      .then([reserved(slot('b', 'g3s.xlarge'))]);
  });

  it('per owner: a limit of 1 refuses a second session of the same owner, not of another', () => {
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: {}, maxSessionsPerOwner: 1 };
    given([reserved(slot('a'))])
      .when(reserve(slot('b'), limits))
      .thenFails(breach('Streaming sessions per owner', 1, 1));
    given([reserved(slot('a'))])
      .when(reserve(slot('b', 'g4dn.xlarge', OTHER_USER), limits))
      .then([reserved(slot('b', 'g4dn.xlarge', OTHER_USER))]);
  });

  it('per owner: off by default, so one owner may hold many sessions', () => {
    const five = Array.from({ length: 5 }, (_, i) => reserved(slot(`s${i}`)));
    given(five)
      .when(reserve(slot('x')))
      .then([reserved(slot('x'))]);
  });

  it('the total is checked before the family, the family before the owner', () => {
    const limits = { maxSessions: 1, maxSessionsPerInstanceFamily: { g4dn: 1 }, maxSessionsPerOwner: 1 };
    given([reserved(slot('a'))])
      .when(reserve(slot('b'), limits))
      .thenFailsMatching({
        context: { quotaName: 'Streaming sessions per studio', limit: '1', current: '1' },
      });
    given([reserved(slot('a'))])
      .when(reserve(slot('b'), { ...limits, maxSessions: 5 }))
      .thenFailsMatching({
        context: { quotaName: 'G4DN streaming sessions per studio', limit: '1', current: '1' },
      });
  });

  it('owner ids that are Object.prototype names are counted like any other', () => {
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: {}, maxSessionsPerOwner: 1 };
    for (const owner of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      given([reserved(slot('a', 'g4dn.xlarge', owner))])
        .when(reserve(slot('b', 'g4dn.xlarge', owner), limits))
        .thenFails(breach('Streaming sessions per owner', 1, 1));
    }
  });
});

describe('ReleaseSessionSlot', () => {
  it('a reserved slot: SessionSlotReleased, and the counters go back (keys at zero removed)', () => {
    given([reserved(slot('a'))])
      .when(release(slot('a')))
      .then([released(slot('a'))]);
    expect(replay(QuotaLedger, [reserved(slot('a')), released(slot('a'))])).toStrictEqual(initialLedgerState);
  });

  it('release of an unreserved slot: 409 SLOT_NOT_RESERVED', () => {
    given([])
      .when(release(slot('a')))
      .thenFails({
        type: 'ConflictException',
        code: 'SLOT_NOT_RESERVED',
        message: 'No quota slot is held for the session a.',
        context: { sessionId: 'a' },
      });
  });

  it('release for an owner holding nothing (the family is held by someone else): 409', () => {
    given([reserved(slot('a', 'g4dn.xlarge', USER))])
      .when(release(slot('b', 'g4dn.xlarge', OTHER_USER)))
      .thenFailsMatching({ code: 'SLOT_NOT_RESERVED' });
  });

  it('release for a family holding nothing (the owner holds another family): 409', () => {
    given([reserved(slot('a', 'g4dn.xlarge', USER))])
      .when(release(slot('b', 'g3.4xlarge', USER)))
      .thenFailsMatching({ code: 'SLOT_NOT_RESERVED' });
  });

  it('release for an owner named like an Object.prototype member who holds nothing: 409', () => {
    given([reserved(slot('a'))])
      .when(release(slot('b', 'g4dn.xlarge', 'constructor')))
      .thenFailsMatching({ code: 'SLOT_NOT_RESERVED' });
  });

  it('a released slot frees room under the limit', () => {
    const limits = { maxSessions: 1, maxSessionsPerInstanceFamily: {} };
    given([reserved(slot('a')), released(slot('a'))])
      .when(reserve(slot('b'), limits))
      .then([reserved(slot('b'))]);
  });
});

describe('evolveLedger', () => {
  it('counts total, per family and per owner', () => {
    const state = replay(QuotaLedger, [
      reserved(slot('a', 'g4dn.xlarge', USER)),
      reserved(slot('b', 'g4dn.2xlarge', OTHER_USER)),
      reserved(slot('c', 'g5.xlarge', USER)),
    ]);
    expect(state).toStrictEqual({
      total: 3,
      byInstanceFamily: { g4dn: 2, g5: 1 },
      byOwner: { [USER]: 2, [OTHER_USER]: 1 },
    });
    expect(evolveLedger(state, released(slot('b', 'g4dn.2xlarge', OTHER_USER)))).toStrictEqual({
      total: 2,
      byInstanceFamily: { g4dn: 1, g5: 1 },
      byOwner: { [USER]: 2 },
    });
  });

  it('ignores a stray release (never below zero), returning the same state', () => {
    const state = replay(QuotaLedger, [reserved(slot('a', 'g4dn.xlarge', USER))]);
    expect(evolveLedger(state, released(slot('x', 'g3.4xlarge', USER)))).toBe(state);
    expect(evolveLedger(state, released(slot('x', 'g4dn.xlarge', OTHER_USER)))).toBe(state);
    expect(evolveLedger(initialLedgerState, released(slot('x')))).toBe(initialLedgerState);
  });

  it('counts owners named like Object.prototype members as own keys', () => {
    const state = replay(QuotaLedger, [
      reserved(slot('a', 'g4dn.xlarge', '__proto__')),
      reserved(slot('b', 'g4dn.xlarge', 'constructor')),
    ]);
    expect(Object.getOwnPropertyDescriptor(state.byOwner, '__proto__')?.value).toBe(1);
    expect(Object.getOwnPropertyDescriptor(state.byOwner, 'constructor')?.value).toBe(1);
    expect(state.total).toBe(2);
    expect(evolveLedger(state, released(slot('x', 'g4dn.xlarge', 'toString')))).toBe(state);
  });
});

describe('decideCreateStreamingSession: session rules first, then quota', () => {
  const ledger = { state: initialLedgerState, limits: DEFAULT_QUOTA_LIMITS };

  it('accepted: the session event and the ledger reservation for the resolved type and owner', () => {
    const decision = decideCreateStreamingSession(createCommand(), { state: 'NOT_REQUESTED' }, ledger);
    expect(decision._unsafeUnwrap()).toStrictEqual({
      session: [requested()],
      ledger: [reserved({ sessionId: SESSION_ID, ec2InstanceType: 'g4dn.xlarge', ownedBy: USER })],
    });
  });

  it('a broken session rule is reported even when the quota is also exhausted', () => {
    const full = { state: initialLedgerState, limits: { maxSessions: 0, maxSessionsPerInstanceFamily: {} } };
    const decision = decideCreateStreamingSession(
      createCommand({ request: { ownedBy: OTHER_USER } }),
      { state: 'NOT_REQUESTED' },
      full,
    );
    expect(decision._unsafeUnwrapErr().code).toBe('CANNOT_CREATE_FOR_ANOTHER_USER');
  });

  it('an existing session is a conflict, not a quota error', () => {
    const full = { state: initialLedgerState, limits: { maxSessions: 0, maxSessionsPerInstanceFamily: {} } };
    const existing = replay(StreamingSession, [requested()]);
    const decision = decideCreateStreamingSession(createCommand(), existing, full);
    expect(decision._unsafeUnwrapErr().code).toBe('SESSION_ALREADY_EXISTS');
  });

  it('session rules pass, quota breached: 402 with the quota context', () => {
    const decision = decideCreateStreamingSession(
      createCommand({
        request: { ec2InstanceType: 'g5.xlarge' },
        facts: { launchProfile: launchProfile({ ec2InstanceTypes: ['g4dn.xlarge', 'g5.xlarge'] }) },
      }),
      { state: 'NOT_REQUESTED' },
      ledger,
    );
    expect(decision._unsafeUnwrapErr()).toStrictEqual(breach('G5 streaming sessions per studio', 0, 0));
  });

  it('the per-owner quota counts the resolved owner (ownedBy when an admin names one)', () => {
    const held = replay(QuotaLedger, [reserved(slot('other', 'g4dn.xlarge', OTHER_USER))]);
    const limits = { maxSessions: 10, maxSessionsPerInstanceFamily: {}, maxSessionsPerOwner: 1 };
    const asAdmin = createCommand({
      caller: { principalId: 'admin', kind: 'STUDIO_USER' },
      request: { ownedBy: OTHER_USER },
      facts: { caller: { isStudioAdmin: true, isLaunchProfileMember: false } },
    });
    expect(
      decideCreateStreamingSession(
        asAdmin,
        { state: 'NOT_REQUESTED' },
        { state: held, limits },
      )._unsafeUnwrapErr(),
    ).toStrictEqual(breach('Streaming sessions per owner', 1, 1));
    expect(
      decideCreateStreamingSession(
        createCommand(),
        { state: 'NOT_REQUESTED' },
        { state: held, limits },
      ).isOk(),
    ).toBe(true);
  });
});
