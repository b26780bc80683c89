import { describe, expect, it } from 'vitest';
import {
  StreamingSession,
  initialSessionState,
  isTerminal,
  replay,
  type StreamingSessionCommand,
} from 'nimble-streaming-sessions/domain';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
import {
  INSTANCE_ID,
  NOW,
  NOW_S,
  SESSION_ID,
  T1,
  T2,
  USER,
  allocated,
  baseRequestedData,
  createFailed,
  ready,
  requested,
} from './fixtures.js';

const given = DeciderSpecification.for(StreamingSession);

const OTHER_INSTANCE = 'i-0fedcba9876543210';
const allocate = (instanceId = INSTANCE_ID): StreamingSessionCommand => ({
  type: 'RecordInstanceAllocated',
  instanceId,
  now: NOW + 30_000,
});
const markReady: StreamingSessionCommand = { type: 'MarkSessionReady', now: NOW + 90_000 };
const failCreate: StreamingSessionCommand = {
  type: 'FailSessionCreate',
  statusCode: 'NETWORK_INTERFACE_ERROR',
  statusMessage: 'The ENI could not be created.',
  now: NOW + 90_000,
};

function invalidTransition(command: StreamingSessionCommand['type'], state: string) {
  return {
    type: 'ConflictException',
    code: 'INVALID_STATE_TRANSITION',
    message: `${command} is not possible while the session is ${state}.`,
    context: { command, state },
  } as const;
}

describe('RecordInstanceAllocated', () => {
  it('in CREATE_IN_PROGRESS: records the instance at a whole second', () => {
    given([requested()])
      .when(allocate())
      .then([
        {
          type: 'InstanceAllocated',
          version: 1,
          data: { sessionId: SESSION_ID, instanceId: INSTANCE_ID, allocatedAt: NOW_S + 30_000 },
        },
      ]);
  });

  it('repeated with the same instance: nothing happens (idempotent)', () => {
    given([requested(), allocated()]).when(allocate()).thenNothingHappened();
  });

  it('with another instance than the one recorded: 409 INSTANCE_ALREADY_ALLOCATED', () => {
    given([requested(), allocated()])
      .when(allocate(OTHER_INSTANCE))
      .thenFails({
        type: 'ConflictException',
        code: 'INSTANCE_ALREADY_ALLOCATED',
        message: `The session already has the instance ${INSTANCE_ID}.`,
        context: { instanceId: INSTANCE_ID },
      });
  });

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(allocate()).thenFails(invalidTransition('RecordInstanceAllocated', 'NOT_REQUESTED'));
  });

  it('on a READY session, repeated with its instance (a retry after a crash): nothing happens', () => {
    given([requested(), allocated(), ready()]).when(allocate()).thenNothingHappened();
  });

  it('on a READY session with another instance: 409 INVALID_STATE_TRANSITION', () => {
    given([requested(), allocated(), ready()])
      .when(allocate(OTHER_INSTANCE))
      .thenFails(invalidTransition('RecordInstanceAllocated', 'READY'));
  });

  it('on a CREATE_FAILED session that never had an instance: 409 INVALID_STATE_TRANSITION', () => {
    given([requested(), createFailed()])
      .when(allocate())
      .thenFails(invalidTransition('RecordInstanceAllocated', 'CREATE_FAILED'));
  });

  it('on a CREATE_FAILED session, repeated with its instance: nothing happens', () => {
    given([requested(), allocated(), createFailed()]).when(allocate()).thenNothingHappened();
  });
});

describe('MarkSessionReady', () => {
  it('after the instance is allocated: SessionReady at a whole second', () => {
    given([requested(), allocated()])
      .when(markReady)
      .then([{ type: 'SessionReady', version: 1, data: { sessionId: SESSION_ID, readyAt: NOW_S + 90_000 } }]);
  });

  it('before an instance is allocated: 409 INVALID_STATE_TRANSITION', () => {
    given([requested()])
      .when(markReady)
      .thenFails(invalidTransition('MarkSessionReady', 'CREATE_IN_PROGRESS'));
  });

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(markReady).thenFails(invalidTransition('MarkSessionReady', 'NOT_REQUESTED'));
  });

  it('repeated on a READY session: nothing happens (idempotent)', () => {
    given([requested(), allocated(), ready()]).when(markReady).thenNothingHappened();
  });

  it('on a CREATE_FAILED session: 409 INVALID_STATE_TRANSITION', () => {
    given([requested(), allocated(), createFailed()])
      .when(markReady)
      .thenFails(invalidTransition('MarkSessionReady', 'CREATE_FAILED'));
  });
});

describe('FailSessionCreate', () => {
  const expected = [
    {
      type: 'SessionCreateFailed',
      version: 1,
      data: {
        sessionId: SESSION_ID,
        statusCode: 'NETWORK_INTERFACE_ERROR',
        statusMessage: 'The ENI could not be created.',
        failedAt: NOW_S + 90_000,
      },
    },
  ] as const;

  it('in CREATE_IN_PROGRESS before an instance: SessionCreateFailed with the status code', () => {
    given([requested()]).when(failCreate).then(expected);
  });

  it('in CREATE_IN_PROGRESS after an instance: SessionCreateFailed', () => {
    given([requested(), allocated()]).when(failCreate).then(expected);
  });

  it('repeated on a CREATE_FAILED session: nothing happens (idempotent)', () => {
    given([requested(), createFailed()]).when(failCreate).thenNothingHappened();
  });

  it('on a READY session: 409 INVALID_STATE_TRANSITION', () => {
    given([requested(), allocated(), ready()])
      .when(failCreate)
      .thenFails(invalidTransition('FailSessionCreate', 'READY'));
  });

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(failCreate).thenFails(invalidTransition('FailSessionCreate', 'NOT_REQUESTED'));
  });
});

describe('evolve: the states the provisioning events lead to', () => {
  it('starts NOT_REQUESTED', () => {
    expect(StreamingSession.initialState).toEqual({ state: 'NOT_REQUESTED' });
    expect(initialSessionState).toBe(StreamingSession.initialState);
  });

  it('SessionRequested: CREATE_IN_PROGRESS, updated by the creator at the request time', () => {
    expect(replay(StreamingSession, [requested()])).toStrictEqual({
      state: 'CREATE_IN_PROGRESS',
      session: baseRequestedData,
      statusCode: 'STREAMING_SESSION_CREATE_IN_PROGRESS',
      statusMessage: 'The streaming session is being created.',
      updatedAt: NOW_S,
      updatedBy: USER,
    });
  });

  it('InstanceAllocated: still CREATE_IN_PROGRESS, with the instance and a new updatedAt', () => {
    expect(replay(StreamingSession, [requested(), allocated()])).toStrictEqual({
      state: 'CREATE_IN_PROGRESS',
      session: baseRequestedData,
      statusCode: 'STREAMING_SESSION_CREATE_IN_PROGRESS',
      statusMessage: 'The streaming session is being created.',
      updatedAt: T1,
      updatedBy: USER,
      instanceId: INSTANCE_ID,
    });
  });

  it('SessionReady after an instance: READY with STREAMING_SESSION_READY', () => {
    expect(replay(StreamingSession, [requested(), allocated(), ready()])).toStrictEqual({
      state: 'READY',
      session: baseRequestedData,
      statusCode: 'STREAMING_SESSION_READY',
      statusMessage: 'The streaming session is ready.',
      updatedAt: T2,
      updatedBy: USER,
      instanceId: INSTANCE_ID,
    });
  });

  it('SessionCreateFailed: CREATE_FAILED with the provisioner status code and message', () => {
    expect(replay(StreamingSession, [requested(), createFailed()])).toStrictEqual({
      state: 'CREATE_FAILED',
      session: baseRequestedData,
      statusCode: 'INSUFFICIENT_CAPACITY',
      statusMessage: 'No g4dn capacity.',
      updatedAt: T2,
      updatedBy: USER,
    });
  });

  it('impossible events leave the state unchanged (the same object)', () => {
    const inProgress = replay(StreamingSession, [requested()]);
    expect(StreamingSession.evolve(inProgress, requested({ ownedBy: 'someone-else' }))).toBe(inProgress);
    expect(StreamingSession.evolve(inProgress, ready())).toBe(inProgress);
    const withInstance = StreamingSession.evolve(inProgress, allocated());
    expect(StreamingSession.evolve(withInstance, allocated('i-other'))).toBe(withInstance);
    const initial = StreamingSession.initialState;
    for (const event of [allocated(), ready(), createFailed()]) {
      expect(StreamingSession.evolve(initial, event)).toBe(initial);
    }
    const readyState = StreamingSession.evolve(withInstance, ready());
    for (const event of [requested(), allocated(), ready(), createFailed()]) {
      expect(StreamingSession.evolve(readyState, event)).toBe(readyState);
    }
  });
});

describe('isTerminal', () => {
  it('no state of the create phase is terminal: a CREATE_FAILED session can still be deleted', () => {
    expect(isTerminal(StreamingSession.initialState)).toBe(false);
    expect(isTerminal(replay(StreamingSession, [requested()]))).toBe(false);
    expect(isTerminal(replay(StreamingSession, [requested(), allocated()]))).toBe(false);
    expect(isTerminal(replay(StreamingSession, [requested(), allocated(), ready()]))).toBe(false);
    expect(isTerminal(replay(StreamingSession, [requested(), createFailed()]))).toBe(false);
    expect(StreamingSession.isTerminal).toBe(isTerminal);
  });
});

describe('a clock that steps back', () => {
  it('never dates a provisioning step before the session was requested', () => {
    const earlier = NOW - 3_600_000;
    given([requested()])
      .when({ type: 'RecordInstanceAllocated', instanceId: INSTANCE_ID, now: earlier })
      .then([
        {
          type: 'InstanceAllocated',
          version: 1,
          data: { sessionId: SESSION_ID, instanceId: INSTANCE_ID, allocatedAt: NOW_S },
        },
      ]);
  });
});
