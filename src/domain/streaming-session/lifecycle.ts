import { err, ok, type Result } from 'neverthrow';
import { accessDenied, resourceNotFound, validationError, type DomainError } from '../errors.js';
import type {
  CompleteDelete,
  CompleteStart,
  CompleteStop,
  FailDelete,
  FailStart,
  FailStop,
  RequestDelete,
  RequestStart,
  RequestStop,
} from './commands.js';
import { runningDeadline, stoppedDeadline } from './deadlines.js';
import type { StreamingSessionEvent } from './events.js';
import { at, checkAuthority, checkOperationState, invalidTransition } from './rules.js';
import { lifecycleOf, type ExistingSession, type StreamingSessionState } from './state.js';
import { formatTimestamp } from './view.js';

type Decision = Result<readonly StreamingSessionEvent[], DomainError>;

const NOTHING: Decision = ok([]);

/** An automatic request must not act before its deadline: a stale schedule entry is refused. */
function checkDeadlineReached(
  deadline: 'stopAt' | 'terminateAt',
  value: number | undefined,
  now: number,
  state: ExistingSession,
): Result<void, DomainError> {
  if (value !== undefined && now >= value) return ok(undefined);
  return err(
    validationError(
      'DEADLINE_NOT_REACHED',
      `The session ${state.session.sessionId} has no ${deadline} in the past.`,
      {
        resourceId: state.session.sessionId,
        deadline,
        ...(value === undefined ? {} : { [deadline]: formatTimestamp(value) }),
      },
    ),
  );
}

/**
 * StopStreamingSession (reference §3.2, §4.3): the owner, creator, an admin or IAM; from READY only; and
 * only where the frozen settings allow stopping. The automatic stop needs `stopAt` to have passed.
 */
export function decideRequestStop(command: RequestStop, state: StreamingSessionState): Decision {
  if (state.state === 'NOT_REQUESTED') return err(invalidTransition(command, state));
  const operation = 'StopStreamingSession';
  return checkAuthority(operation, command, state).andThen((stoppedBy) =>
    checkOperationState(operation, state).andThen((check): Decision => {
      if (check === 'ALREADY_UNDER_WAY') return NOTHING;
      const { session } = state;
      if (!session.stopAllowed) {
        return err(
          validationError(
            'STOP_NOT_ALLOWED',
            `The session ${session.sessionId} cannot be stopped: its launch profile does not allow stopping.`,
            { resourceId: session.sessionId },
          ),
        );
      }
      const stoppedAt = at(command.now, state);
      if (command.automatic === true) {
        const reached = checkDeadlineReached('stopAt', lifecycleOf(state).stopAt, stoppedAt, state);
        if (reached.isErr()) return err(reached.error);
      }
      return ok([
        {
          type: 'StopRequested',
          version: 1,
          data: {
            sessionId: session.sessionId,
            stoppedAt,
            stoppedBy,
            automatic: command.automatic === true,
            ...(command.volumeRetentionMode === undefined
              ? {}
              : { volumeRetentionMode: command.volumeRetentionMode }),
          },
        },
      ]);
    }),
  );
}

/**
 * The backup a Start restores (reference §4.4): one of this session's own, or one of the same owner and
 * launch profile that the application found in its catalog.
 */
function checkBackup(command: RequestStart, state: ExistingSession): Result<void, DomainError> {
  const { backupId, backup } = command;
  if (backupId === undefined || lifecycleOf(state).backupIds.includes(backupId)) return ok(undefined);
  if (backup?.backupId !== backupId) return err(resourceNotFound('streaming session backup', backupId));
  const { ownedBy, launchProfileId, sessionId } = state.session;
  if (backup.ownedBy !== ownedBy || backup.launchProfileId !== launchProfileId) {
    return err(
      validationError(
        'BACKUP_NOT_USABLE',
        `The backup ${backupId} belongs to another owner or launch profile than the session ${sessionId}.`,
        { field: 'backupId', backupId, resourceId: sessionId },
      ),
    );
  }
  return ok(undefined);
}

/** A studio user who is not an admin must still be a member of the launch profile to start (§4.6). */
function checkStartMembership(command: RequestStart, state: ExistingSession): Result<void, DomainError> {
  const { caller } = command;
  if (caller.kind === 'IAM' || command.callerIsStudioAdmin || command.callerIsLaunchProfileMember) {
    return ok(undefined);
  }
  return err(
    accessDenied(
      'NOT_LAUNCH_PROFILE_MEMBER',
      `The caller is not a member of the launch profile ${state.session.launchProfileId}.`,
      { principalId: caller.principalId, launchProfileId: state.session.launchProfileId },
    ),
  );
}

/**
 * StartStreamingSession (reference §3.2, §4.4, §4.5): from STOPPED only; the new deadline counts from
 * `startedAt`, and `backupId`, when given, must name a usable backup.
 */
export function decideRequestStart(command: RequestStart, state: StreamingSessionState): Decision {
  if (state.state === 'NOT_REQUESTED') return err(invalidTransition(command, state));
  const operation = 'StartStreamingSession';
  return checkAuthority(operation, command, state)
    .andThen((startedBy) => checkStartMembership(command, state).map(() => startedBy))
    .andThen((startedBy) =>
      checkOperationState(operation, state).andThen((check): Decision => {
        if (check === 'ALREADY_UNDER_WAY') return NOTHING;
        return checkBackup(command, state).map(() => {
          const startedAt = at(command.now, state);
          return [
            {
              type: 'StartRequested',
              version: 1,
              data: {
                sessionId: state.session.sessionId,
                startedAt,
                startedBy,
                ...(command.backupId === undefined ? {} : { backupId: command.backupId }),
                ...runningDeadline(state.session, startedAt),
              },
            },
          ];
        });
      }),
    );
}

/**
 * DeleteStreamingSession, or the termination at `terminateAt` (reference §3.2): from READY, STOPPED or
 * any failed state.
 */
export function decideRequestDelete(command: RequestDelete, state: StreamingSessionState): Decision {
  if (state.state === 'NOT_REQUESTED') return err(invalidTransition(command, state));
  const operation = 'DeleteStreamingSession';
  return checkAuthority(operation, command, state).andThen((requestedBy) =>
    checkOperationState(operation, state).andThen((check): Decision => {
      if (check === 'ALREADY_UNDER_WAY') return NOTHING;
      const requestedAt = at(command.now, state);
      if (command.automatic === true) {
        const reached = checkDeadlineReached(
          'terminateAt',
          lifecycleOf(state).terminateAt,
          requestedAt,
          state,
        );
        if (reached.isErr()) return err(reached.error);
      }
      return ok([
        {
          type: 'DeleteRequested',
          version: 1,
          data: {
            sessionId: state.session.sessionId,
            requestedAt,
            requestedBy,
            automatic: command.automatic === true,
          },
        },
      ]);
    }),
  );
}

/**
 * The instance stopped. Backups follow the frozen `sessionBackup` settings: a backup is expected only
 * with AUTOMATIC, and the oldest ones beyond `maxBackupsToRetain` are removed (with 0, none is kept).
 */
export function decideCompleteStop(command: CompleteStop, state: StreamingSessionState): Decision {
  if (state.state === 'STOPPED') return NOTHING;
  if (state.state !== 'STOP_IN_PROGRESS') return err(invalidTransition(command, state));
  const { session } = state;
  const { backupId } = command;
  if (backupId !== undefined && session.backupMode !== 'AUTOMATIC') {
    return err(
      validationError(
        'SESSION_BACKUP_DEACTIVATED',
        `The session ${session.sessionId} takes no backups (backupMode ${session.backupMode}).`,
        { resourceId: session.sessionId, backupId },
      ),
    );
  }
  const kept = lifecycleOf(state).backupIds.filter((id) => id !== backupId);
  const all = backupId === undefined ? kept : [...kept, backupId];
  const removedBackupIds = all.slice(0, Math.max(0, all.length - session.maxBackupsToRetain));
  const stoppedAt = lifecycleOf(state).stoppedAt ?? at(command.now, state);
  return ok([
    {
      type: 'SessionStopped',
      version: 1,
      data: {
        sessionId: session.sessionId,
        completedAt: at(command.now, state),
        ...(backupId === undefined ? {} : { backupId }),
        removedBackupIds,
        ...stoppedDeadline(session, stoppedAt),
      },
    },
  ]);
}

/** Stopping failed: STOP_FAILED with the worker's status code; repeating it does nothing. */
export function decideFailStop(command: FailStop, state: StreamingSessionState): Decision {
  if (state.state === 'STOP_FAILED') return NOTHING;
  if (state.state !== 'STOP_IN_PROGRESS') return err(invalidTransition(command, state));
  const { statusCode, statusMessage } = command;
  const data = { sessionId: state.session.sessionId, statusCode, statusMessage };
  return ok([{ type: 'StopFailed', version: 1, data: { ...data, failedAt: at(command.now, state) } }]);
}

/** The instance runs again: READY; repeating it on a READY session does nothing. */
export function decideCompleteStart(command: CompleteStart, state: StreamingSessionState): Decision {
  if (state.state === 'READY') return NOTHING;
  if (state.state !== 'START_IN_PROGRESS') return err(invalidTransition(command, state));
  return ok([
    {
      type: 'SessionStarted',
      version: 1,
      data: { sessionId: state.session.sessionId, readyAt: at(command.now, state) },
    },
  ]);
}

/** Starting failed: START_FAILED with the worker's status code; repeating it does nothing. */
export function decideFailStart(command: FailStart, state: StreamingSessionState): Decision {
  if (state.state === 'START_FAILED') return NOTHING;
  if (state.state !== 'START_IN_PROGRESS') return err(invalidTransition(command, state));
  const { statusCode, statusMessage } = command;
  const data = { sessionId: state.session.sessionId, statusCode, statusMessage };
  return ok([{ type: 'StartFailed', version: 1, data: { ...data, failedAt: at(command.now, state) } }]);
}

/**
 * The session is gone: DELETED. Decided at most once per session (DELETED answers nothing), which is what
 * makes the quota release derived from it happen exactly once.
 */
export function decideCompleteDelete(command: CompleteDelete, state: StreamingSessionState): Decision {
  if (state.state === 'DELETED') return NOTHING;
  if (state.state !== 'DELETE_IN_PROGRESS') return err(invalidTransition(command, state));
  const { sessionId, ec2InstanceType, ownedBy } = state.session;
  return ok([
    {
      type: 'SessionDeleted',
      version: 1,
      data: { sessionId, deletedAt: at(command.now, state), ec2InstanceType, ownedBy },
    },
  ]);
}

/** Deleting failed: DELETE_FAILED; the session still counts against the quota and may be deleted again. */
export function decideFailDelete(command: FailDelete, state: StreamingSessionState): Decision {
  if (state.state === 'DELETE_FAILED') return NOTHING;
  if (state.state !== 'DELETE_IN_PROGRESS') return err(invalidTransition(command, state));
  const { statusCode, statusMessage } = command;
  const data = { sessionId: state.session.sessionId, statusCode, statusMessage };
  return ok([{ type: 'DeleteFailed', version: 1, data: { ...data, failedAt: at(command.now, state) } }]);
}
