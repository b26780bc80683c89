/**
 * Stop, Start and Delete (reference §3.2, §3.3, §4.3–§4.6): one named specification per transition, per
 * wrong-state rule and per authorization rule.
 */
import { describe, it } from 'vitest';
import {
  StreamingSession,
  type Caller,
  type StreamingSessionCommand,
  type StreamingSessionEvent,
} from 'nimble-streaming-sessions/domain';
import { DeciderSpecification } from 'nimble-streaming-sessions/testing';
// Names the public entry (src/index.ts) does not list yet come from the domain's barrel.
import { SYSTEM_PRINCIPAL_ID } from '../../src/domain/index.js';
import {
  ADMIN,
  BACKUP_1,
  BACKUP_2,
  BACKUP_3,
  IAM_ROLE,
  LAUNCH_PROFILE_ID,
  MINUTE,
  NOW_S,
  OTHER_USER,
  SESSION_ID,
  T3,
  T4,
  T5,
  T6,
  T7,
  T8,
  USER,
  allocated,
  createFailed,
  deleteFailed,
  deleteRequested,
  iamCaller,
  ready,
  requested,
  sessionDeleted,
  sessionStarted,
  sessionStopped,
  startFailed,
  startRequested,
  stopFailed,
  stopRequested,
  stoppableRequested,
  studioAdmin,
  studioUser,
} from './fixtures.js';

const given = DeciderSpecification.for(StreamingSession);

const stranger: Caller = { principalId: OTHER_USER, kind: 'STUDIO_USER' };
const CREATOR = '5e5e5e5e5e-12345678-1234-4123-8123-123456789abc';
const creator: Caller = { principalId: CREATOR, kind: 'STUDIO_USER' };

/** Half a second past each step, so every decision must truncate to whole seconds. */
const HALF = 500;

// Histories that end in each state of a stoppable session.
const READY_ = [stoppableRequested(), allocated(), ready()];
const STOP_IN_PROGRESS_ = [...READY_, stopRequested()];
const STOPPED_ = [...STOP_IN_PROGRESS_, sessionStopped(T4, { terminateAt: T3 + 120 * MINUTE })];
const STOP_FAILED_ = [...STOP_IN_PROGRESS_, stopFailed()];
const START_IN_PROGRESS_ = [...STOPPED_, startRequested()];
const RESTARTED_ = [...START_IN_PROGRESS_, sessionStarted()];
const START_FAILED_ = [...START_IN_PROGRESS_, startFailed()];
const CREATE_IN_PROGRESS_ = [stoppableRequested()];
const CREATE_FAILED_ = [stoppableRequested(), createFailed()];
const DELETE_IN_PROGRESS_ = [...READY_, deleteRequested()];
const DELETE_FAILED_ = [...DELETE_IN_PROGRESS_, deleteFailed()];
const DELETED_ = [...DELETE_IN_PROGRESS_, sessionDeleted()];

type Histories = Readonly<Record<string, readonly StreamingSessionEvent[]>>;
const IN_PROGRESS: Histories = {
  CREATE_IN_PROGRESS: CREATE_IN_PROGRESS_,
  STOP_IN_PROGRESS: STOP_IN_PROGRESS_,
  START_IN_PROGRESS: START_IN_PROGRESS_,
  DELETE_IN_PROGRESS: DELETE_IN_PROGRESS_,
};
const STABLE: Histories = {
  READY: READY_,
  STOPPED: STOPPED_,
  CREATE_FAILED: CREATE_FAILED_,
  STOP_FAILED: STOP_FAILED_,
  START_FAILED: START_FAILED_,
  DELETE_FAILED: DELETE_FAILED_,
  DELETED: DELETED_,
};
const without = (histories: Histories, ...names: string[]) =>
  Object.entries(histories).filter(([name]) => !names.includes(name));

function conflictIn(state: string, operation: string) {
  return {
    type: 'ConflictException',
    code: 'ANOTHER_OPERATION_IN_PROGRESS',
    message: `The session ${SESSION_ID} is ${state}: another operation is in progress.`,
    context: { resourceId: SESSION_ID, state, operation },
  } as const;
}

function invalidState(state: string, operation: string) {
  return {
    type: 'ValidationException',
    code: 'INVALID_SESSION_STATE',
    message: `${operation} is not possible while the session ${SESSION_ID} is ${state}.`,
    context: { resourceId: SESSION_ID, state, operation },
  } as const;
}

function denied(principalId: string, operation: string) {
  return {
    type: 'AccessDeniedException',
    code: 'NOT_SESSION_OWNER',
    message: `Only the session's owner or creator, or a studio administrator, may call ${operation} on it.`,
    context: { principalId, sessionId: SESSION_ID, operation },
  } as const;
}

function invalidTransition(command: string, state: string) {
  return {
    type: 'ConflictException',
    code: 'INVALID_STATE_TRANSITION',
    message: `${command} is not possible while the session is ${state}.`,
    context: { command, state },
  } as const;
}

// ------------------------------------------------------------------------------------------- Stop

const STOP = 'StopStreamingSession';
const stop = (caller: Caller = studioUser, callerIsStudioAdmin = false, now = T3 + HALF) =>
  ({ type: 'RequestStop', now, caller, callerIsStudioAdmin }) as const satisfies StreamingSessionCommand;
const autoStop = (now: number) =>
  ({ type: 'RequestStop', now, automatic: true }) as const satisfies StreamingSessionCommand;

describe('RequestStop: READY → STOP_IN_PROGRESS', () => {
  it('by the owner, with a volume retention mode: StopRequested at a whole second', () => {
    given(READY_)
      .when({ ...stop(), volumeRetentionMode: 'RETAIN' })
      .then([stopRequested(T3, USER, { volumeRetentionMode: 'RETAIN' })]);
  });

  it('without a volume retention mode: the event has none', () => {
    given(READY_)
      .when(stop())
      .then([stopRequested(T3, USER)]);
  });

  it('on a READY session restarted by Start (STREAMING_SESSION_STARTED): StopRequested', () => {
    given(RESTARTED_)
      .when(stop(studioUser, false, T7 + HALF))
      .then([stopRequested(T7, USER)]);
  });

  it('by the creator, who does not own the session: allowed', () => {
    given([stoppableRequested({ createdBy: CREATOR }), allocated(), ready()])
      .when(stop(creator))
      .then([stopRequested(T3, CREATOR)]);
  });

  it('by a studio administrator: allowed', () => {
    given(READY_)
      .when(stop(studioAdmin, true))
      .then([stopRequested(T3, ADMIN)]);
  });

  it('by an IAM caller: allowed', () => {
    given(READY_)
      .when(stop(iamCaller))
      .then([stopRequested(T3, IAM_ROLE)]);
  });

  it('by another studio user: 403 NOT_SESSION_OWNER', () => {
    given(READY_).when(stop(stranger)).thenFails(denied(OTHER_USER, STOP));
  });

  it('by another studio user while already stopping: still 403 (authority is checked first)', () => {
    given(STOP_IN_PROGRESS_).when(stop(stranger)).thenFails(denied(OTHER_USER, STOP));
  });

  it('where the launch profile does not allow stopping (§4.3): 400 STOP_NOT_ALLOWED', () => {
    given([requested(), allocated(), ready()])
      .when(stop())
      .thenFails({
        type: 'ValidationException',
        code: 'STOP_NOT_ALLOWED',
        message: `The session ${SESSION_ID} cannot be stopped: its launch profile does not allow stopping.`,
        context: { resourceId: SESSION_ID },
      });
  });

  it('automatic, once stopAt has passed: stopped by the system identity', () => {
    const stopAt = NOW_S + 690 * MINUTE;
    given(READY_)
      .when(autoStop(stopAt + HALF))
      .then([stopRequested(stopAt, SYSTEM_PRINCIPAL_ID, { automatic: true })]);
  });

  it('automatic, before stopAt: 400 DEADLINE_NOT_REACHED', () => {
    given(READY_)
      .when(autoStop(NOW_S + 600 * MINUTE))
      .thenFails({
        type: 'ValidationException',
        code: 'DEADLINE_NOT_REACHED',
        message: `The session ${SESSION_ID} has no stopAt in the past.`,
        context: { resourceId: SESSION_ID, deadline: 'stopAt', stopAt: '2024-01-02T14:34:05Z' },
      });
  });

  it('already STOP_IN_PROGRESS: nothing happens (200 with the current session)', () => {
    given(STOP_IN_PROGRESS_).when(stop()).thenNothingHappened();
  });

  it('automatic, already STOP_IN_PROGRESS: nothing happens', () => {
    given(STOP_IN_PROGRESS_)
      .when(autoStop(NOW_S + 700 * MINUTE))
      .thenNothingHappened();
  });

  for (const [state, history] of without(IN_PROGRESS, 'STOP_IN_PROGRESS')) {
    it(`in ${state}: 409 ANOTHER_OPERATION_IN_PROGRESS`, () => {
      given(history).when(stop()).thenFails(conflictIn(state, STOP));
    });
  }

  for (const [state, history] of without(STABLE, 'READY')) {
    it(`in ${state}: 400 INVALID_SESSION_STATE`, () => {
      given(history).when(stop()).thenFails(invalidState(state, STOP));
    });
  }

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(stop()).thenFails(invalidTransition('RequestStop', 'NOT_REQUESTED'));
  });
});

describe('CompleteStop: STOP_IN_PROGRESS → STOPPED', () => {
  const complete = (backupId?: string) =>
    ({
      type: 'CompleteStop',
      now: T4 + HALF,
      ...(backupId === undefined ? {} : { backupId }),
    }) as const satisfies StreamingSessionCommand;

  it('auto-terminating session: stopAt goes, terminateAt = stoppedAt + maxStoppedSessionLength', () => {
    given(STOP_IN_PROGRESS_)
      .when(complete())
      .then([sessionStopped(T4, { terminateAt: T3 + 120 * MINUTE })]);
  });

  it('persistent session without automatic termination: no terminateAt', () => {
    const persistent = stoppableRequested({
      automaticTerminationMode: 'DEACTIVATED',
      maxStoppedSessionLengthInMinutes: 0,
    });
    given([persistent, allocated(), ready(), stopRequested()])
      .when(complete())
      .then([sessionStopped(T4)]);
  });

  it('legacy session without persistence but with a stopped length: terminateAt', () => {
    const legacy = stoppableRequested({
      sessionPersistenceMode: 'DEACTIVATED',
      automaticTerminationMode: 'DEACTIVATED',
      maxStoppedSessionLengthInMinutes: 30,
      backupMode: 'DEACTIVATED',
      maxBackupsToRetain: 0,
    });
    given([legacy, allocated(), ready(), stopRequested()])
      .when(complete())
      .then([sessionStopped(T4, { terminateAt: T3 + 30 * MINUTE })]);
  });

  it('with the backup taken while stopping (backups AUTOMATIC): the backup is kept', () => {
    given(STOP_IN_PROGRESS_)
      .when(complete(BACKUP_1))
      .then([sessionStopped(T4, { backupId: BACKUP_1, terminateAt: T3 + 120 * MINUTE })]);
  });

  it('a backup beyond maxBackupsToRetain (2): the oldest is removed', () => {
    const third = [
      ...READY_,
      stopRequested(),
      sessionStopped(T4, { backupId: BACKUP_1 }),
      startRequested(),
      sessionStarted(),
      stopRequested(T7),
      sessionStopped(T8, { backupId: BACKUP_2 }),
      startRequested(T8 + MINUTE),
      sessionStarted(T8 + 2 * MINUTE),
      stopRequested(T8 + 3 * MINUTE),
    ];
    given(third)
      .when({ type: 'CompleteStop', now: T8 + 4 * MINUTE, backupId: BACKUP_3 })
      .then([
        sessionStopped(T8 + 4 * MINUTE, {
          backupId: BACKUP_3,
          removedBackupIds: [BACKUP_1],
          terminateAt: T8 + 3 * MINUTE + 120 * MINUTE,
        }),
      ]);
  });

  it('maxBackupsToRetain 0: the new backup is removed at once', () => {
    given([stoppableRequested({ maxBackupsToRetain: 0 }), allocated(), ready(), stopRequested()])
      .when(complete(BACKUP_1))
      .then([
        sessionStopped(T4, {
          backupId: BACKUP_1,
          removedBackupIds: [BACKUP_1],
          terminateAt: T3 + 120 * MINUTE,
        }),
      ]);
  });

  it('a backup while backups are DEACTIVATED: 400 SESSION_BACKUP_DEACTIVATED', () => {
    given([stoppableRequested({ backupMode: 'DEACTIVATED' }), allocated(), ready(), stopRequested()])
      .when(complete(BACKUP_1))
      .thenFails({
        type: 'ValidationException',
        code: 'SESSION_BACKUP_DEACTIVATED',
        message: `The session ${SESSION_ID} takes no backups (backupMode DEACTIVATED).`,
        context: { resourceId: SESSION_ID, backupId: BACKUP_1 },
      });
  });

  it('repeated on a STOPPED session: nothing happens (idempotent)', () => {
    given(STOPPED_).when(complete()).thenNothingHappened();
  });

  it('on a READY session: 409 INVALID_STATE_TRANSITION', () => {
    given(READY_).when(complete()).thenFails(invalidTransition('CompleteStop', 'READY'));
  });
});

describe('FailStop: STOP_IN_PROGRESS → STOP_FAILED', () => {
  const fail = {
    type: 'FailStop',
    statusCode: 'INTERNAL_ERROR',
    statusMessage: 'Stop failed.',
    now: T4 + HALF,
  } as const satisfies StreamingSessionCommand;

  it('in STOP_IN_PROGRESS: StopFailed with the status code', () => {
    given(STOP_IN_PROGRESS_)
      .when(fail)
      .then([stopFailed(T4)]);
  });

  it('repeated on a STOP_FAILED session: nothing happens', () => {
    given(STOP_FAILED_).when(fail).thenNothingHappened();
  });

  it('on a READY session: 409 INVALID_STATE_TRANSITION', () => {
    given(READY_).when(fail).thenFails(invalidTransition('FailStop', 'READY'));
  });
});

// ------------------------------------------------------------------------------------------ Start

const START = 'StartStreamingSession';
const start = (
  caller: Caller = studioUser,
  facts: { admin?: boolean; member?: boolean; backupId?: string } = {},
) =>
  ({
    type: 'RequestStart',
    now: T5 + HALF,
    caller,
    callerIsStudioAdmin: facts.admin ?? false,
    callerIsLaunchProfileMember: facts.member ?? true,
    ...(facts.backupId === undefined ? {} : { backupId: facts.backupId }),
  }) as const satisfies StreamingSessionCommand;

describe('RequestStart: STOPPED → START_IN_PROGRESS', () => {
  it('by the owner: StartRequested, with stopAt = startedAt + maxSessionLength (§4.5)', () => {
    given(STOPPED_)
      .when(start())
      .then([startRequested(T5, USER, { stopAt: T5 + 690 * MINUTE })]);
  });

  it('restoring one of its own backups: the backup id is recorded', () => {
    const stoppedWithBackup = [...STOP_IN_PROGRESS_, sessionStopped(T4, { backupId: BACKUP_1 })];
    given(stoppedWithBackup)
      .when(start(studioUser, { backupId: BACKUP_1 }))
      .then([startRequested(T5, USER, { backupId: BACKUP_1 })]);
  });

  it('restoring a backup of another session of the same owner and launch profile: allowed', () => {
    given(STOPPED_)
      .when({
        ...start(studioUser, { backupId: BACKUP_2 }),
        backup: { backupId: BACKUP_2, ownedBy: USER, launchProfileId: LAUNCH_PROFILE_ID },
      })
      .then([startRequested(T5, USER, { backupId: BACKUP_2 })]);
  });

  it('restoring a backup of another owner: 400 BACKUP_NOT_USABLE', () => {
    given(STOPPED_)
      .when({
        ...start(studioUser, { backupId: BACKUP_2 }),
        backup: { backupId: BACKUP_2, ownedBy: OTHER_USER, launchProfileId: LAUNCH_PROFILE_ID },
      })
      .thenFails({
        type: 'ValidationException',
        code: 'BACKUP_NOT_USABLE',
        message: `The backup ${BACKUP_2} belongs to another owner or launch profile than the session ${SESSION_ID}.`,
        context: { field: 'backupId', backupId: BACKUP_2, resourceId: SESSION_ID },
      });
  });

  it('restoring a backup nobody knows: 404 STREAMING_SESSION_BACKUP_NOT_FOUND', () => {
    given(STOPPED_)
      .when(start(studioUser, { backupId: BACKUP_3 }))
      .thenFails({
        type: 'ResourceNotFoundException',
        code: 'STREAMING_SESSION_BACKUP_NOT_FOUND',
        message: `The streaming session backup ${BACKUP_3} does not exist.`,
        context: { resourceType: 'streaming session backup', resourceId: BACKUP_3 },
      });
  });

  it('restoring a backup already removed by retention: 404', () => {
    const removed = [
      ...STOP_IN_PROGRESS_,
      sessionStopped(T4, { backupId: BACKUP_1, removedBackupIds: [BACKUP_1] }),
    ];
    given(removed)
      .when(start(studioUser, { backupId: BACKUP_1 }))
      .thenFailsMatching({ type: 'ResourceNotFoundException', code: 'STREAMING_SESSION_BACKUP_NOT_FOUND' });
  });

  it('by the creator: allowed', () => {
    const history = [
      stoppableRequested({ createdBy: CREATOR }),
      allocated(),
      ready(),
      stopRequested(),
      sessionStopped(),
    ];
    given(history)
      .when(start(creator))
      .then([startRequested(T5, CREATOR)]);
  });

  it('by a studio administrator who is not a launch-profile member: allowed', () => {
    given(STOPPED_)
      .when(start(studioAdmin, { admin: true, member: false }))
      .then([startRequested(T5, ADMIN)]);
  });

  it('by an IAM caller: allowed', () => {
    given(STOPPED_)
      .when(start(iamCaller, { member: false }))
      .then([startRequested(T5, IAM_ROLE)]);
  });

  it('by another studio user: 403 NOT_SESSION_OWNER', () => {
    given(STOPPED_).when(start(stranger)).thenFails(denied(OTHER_USER, START));
  });

  it('by the owner, no longer a launch-profile member (§4.6): 403 NOT_LAUNCH_PROFILE_MEMBER', () => {
    given(STOPPED_)
      .when(start(studioUser, { member: false }))
      .thenFails({
        type: 'AccessDeniedException',
        code: 'NOT_LAUNCH_PROFILE_MEMBER',
        message: `The caller is not a member of the launch profile ${LAUNCH_PROFILE_ID}.`,
        context: { principalId: USER, launchProfileId: LAUNCH_PROFILE_ID },
      });
  });

  it('already START_IN_PROGRESS: nothing happens (200 with the current session)', () => {
    given(START_IN_PROGRESS_).when(start()).thenNothingHappened();
  });

  for (const [state, history] of without(IN_PROGRESS, 'START_IN_PROGRESS')) {
    it(`in ${state}: 409 ANOTHER_OPERATION_IN_PROGRESS`, () => {
      given(history).when(start()).thenFails(conflictIn(state, START));
    });
  }

  for (const [state, history] of without(STABLE, 'STOPPED')) {
    it(`in ${state}: 400 INVALID_SESSION_STATE`, () => {
      given(history).when(start()).thenFails(invalidState(state, START));
    });
  }

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(start()).thenFails(invalidTransition('RequestStart', 'NOT_REQUESTED'));
  });
});

describe('CompleteStart: START_IN_PROGRESS → READY (STREAMING_SESSION_STARTED)', () => {
  const complete = { type: 'CompleteStart', now: T6 + HALF } as const satisfies StreamingSessionCommand;

  it('in START_IN_PROGRESS: SessionStarted', () => {
    given(START_IN_PROGRESS_)
      .when(complete)
      .then([sessionStarted(T6)]);
  });

  it('repeated on the READY session: nothing happens', () => {
    given(RESTARTED_).when(complete).thenNothingHappened();
  });

  it('on a STOPPED session: 409 INVALID_STATE_TRANSITION', () => {
    given(STOPPED_).when(complete).thenFails(invalidTransition('CompleteStart', 'STOPPED'));
  });
});

describe('FailStart: START_IN_PROGRESS → START_FAILED', () => {
  const fail = {
    type: 'FailStart',
    statusCode: 'INSUFFICIENT_CAPACITY',
    statusMessage: 'No capacity to start.',
    now: T6 + HALF,
  } as const satisfies StreamingSessionCommand;

  it('in START_IN_PROGRESS: StartFailed with the status code', () => {
    given(START_IN_PROGRESS_)
      .when(fail)
      .then([startFailed(T6)]);
  });

  it('repeated on a START_FAILED session: nothing happens', () => {
    given(START_FAILED_).when(fail).thenNothingHappened();
  });

  it('on a READY session: 409 INVALID_STATE_TRANSITION', () => {
    given(READY_).when(fail).thenFails(invalidTransition('FailStart', 'READY'));
  });
});

// ----------------------------------------------------------------------------------------- Delete

const DELETE = 'DeleteStreamingSession';
const del = (caller: Caller = studioUser, callerIsStudioAdmin = false) =>
  ({
    type: 'RequestDelete',
    now: T7 + HALF,
    caller,
    callerIsStudioAdmin,
  }) as const satisfies StreamingSessionCommand;
const autoDelete = (now: number) =>
  ({ type: 'RequestDelete', now, automatic: true }) as const satisfies StreamingSessionCommand;

describe('RequestDelete: any stable state but DELETED → DELETE_IN_PROGRESS', () => {
  for (const [state, history] of without(STABLE, 'DELETED')) {
    it(`from ${state}: DeleteRequested by the owner`, () => {
      // A DELETE_FAILED session last changed at T8: the request is never dated before that.
      const at = state === 'DELETE_FAILED' ? T8 : T7;
      given(history)
        .when(del())
        .then([deleteRequested(at, USER)]);
    });
  }

  it('by the creator: allowed', () => {
    given([stoppableRequested({ createdBy: CREATOR }), allocated(), ready()])
      .when(del(creator))
      .then([deleteRequested(T7, CREATOR)]);
  });

  it('by a studio administrator: allowed', () => {
    given(READY_)
      .when(del(studioAdmin, true))
      .then([deleteRequested(T7, ADMIN)]);
  });

  it('by an IAM caller: allowed', () => {
    given(READY_)
      .when(del(iamCaller))
      .then([deleteRequested(T7, IAM_ROLE)]);
  });

  it('by another studio user: 403 NOT_SESSION_OWNER', () => {
    given(READY_).when(del(stranger)).thenFails(denied(OTHER_USER, DELETE));
  });

  it('by another studio user on a DELETED session: 403 (authority is checked first)', () => {
    given(DELETED_).when(del(stranger)).thenFails(denied(OTHER_USER, DELETE));
  });

  it('automatic termination of a READY session at terminateAt: requested by the system identity', () => {
    const terminateAt = NOW_S + 690 * MINUTE;
    given([requested(), allocated(), ready()])
      .when(autoDelete(terminateAt + HALF))
      .then([deleteRequested(terminateAt, SYSTEM_PRINCIPAL_ID, true)]);
  });

  it('automatic termination of a STOPPED session after maxStoppedSessionLength', () => {
    const terminateAt = T3 + 120 * MINUTE;
    given(STOPPED_)
      .when(autoDelete(terminateAt))
      .then([deleteRequested(terminateAt, SYSTEM_PRINCIPAL_ID, true)]);
  });

  it('automatic termination before terminateAt: 400 DEADLINE_NOT_REACHED', () => {
    given(STOPPED_)
      .when(autoDelete(T3 + 119 * MINUTE))
      .thenFails({
        type: 'ValidationException',
        code: 'DEADLINE_NOT_REACHED',
        message: `The session ${SESSION_ID} has no terminateAt in the past.`,
        context: { resourceId: SESSION_ID, deadline: 'terminateAt', terminateAt: '2024-01-02T05:14:05Z' },
      });
  });

  it('automatic termination of a session without terminateAt (a stoppable READY one): 400', () => {
    given(READY_)
      .when(autoDelete(NOW_S + 10_000 * MINUTE))
      .thenFails({
        type: 'ValidationException',
        code: 'DEADLINE_NOT_REACHED',
        message: `The session ${SESSION_ID} has no terminateAt in the past.`,
        context: { resourceId: SESSION_ID, deadline: 'terminateAt' },
      });
  });

  it('already DELETE_IN_PROGRESS: nothing happens (200 with the current session)', () => {
    given(DELETE_IN_PROGRESS_).when(del()).thenNothingHappened();
  });

  it('already DELETED: nothing happens (200 with the current session)', () => {
    given(DELETED_).when(del()).thenNothingHappened();
  });

  for (const [state, history] of without(IN_PROGRESS, 'DELETE_IN_PROGRESS')) {
    it(`in ${state}: 409 ANOTHER_OPERATION_IN_PROGRESS`, () => {
      given(history).when(del()).thenFails(conflictIn(state, DELETE));
    });
  }

  it('before the session was requested: 409 INVALID_STATE_TRANSITION', () => {
    given([]).when(del()).thenFails(invalidTransition('RequestDelete', 'NOT_REQUESTED'));
  });
});

describe('CompleteDelete: DELETE_IN_PROGRESS → DELETED', () => {
  const complete = { type: 'CompleteDelete', now: T8 + HALF } as const satisfies StreamingSessionCommand;

  it('in DELETE_IN_PROGRESS: SessionDeleted with the slot facts (instance type, owner)', () => {
    given(DELETE_IN_PROGRESS_)
      .when(complete)
      .then([sessionDeleted(T8)]);
  });

  it('repeated on a DELETED session: nothing happens (so no second quota release)', () => {
    given(DELETED_).when(complete).thenNothingHappened();
  });

  it('on a READY session: 409 INVALID_STATE_TRANSITION', () => {
    given(READY_).when(complete).thenFails(invalidTransition('CompleteDelete', 'READY'));
  });
});

describe('FailDelete: DELETE_IN_PROGRESS → DELETE_FAILED', () => {
  const fail = {
    type: 'FailDelete',
    statusCode: 'INTERNAL_ERROR',
    statusMessage: 'The ENI could not be deleted.',
    now: T8 + HALF,
  } as const satisfies StreamingSessionCommand;

  it('in DELETE_IN_PROGRESS: DeleteFailed with INTERNAL_ERROR', () => {
    given(DELETE_IN_PROGRESS_)
      .when(fail)
      .then([deleteFailed(T8)]);
  });

  it('repeated on a DELETE_FAILED session: nothing happens', () => {
    given(DELETE_FAILED_).when(fail).thenNothingHappened();
  });

  it('on a DELETED session: 409 INVALID_STATE_TRANSITION', () => {
    given(DELETED_).when(fail).thenFails(invalidTransition('FailDelete', 'DELETED'));
  });

  it('a DELETE_FAILED session can be deleted again', () => {
    given(DELETE_FAILED_)
      .when({ ...del(), now: T8 + MINUTE })
      .then([deleteRequested(T8 + MINUTE, USER)]);
  });
});

describe('a clock that steps back', () => {
  it('never dates a Stop before the session last changed', () => {
    given(READY_)
      .when(stop(studioUser, false, NOW_S - 3_600_000))
      .then([stopRequested(NOW_S + 90_000, USER)]);
  });
});
