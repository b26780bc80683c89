import { err, ok, type Result } from 'neverthrow';
import {
  accessDenied,
  conflict,
  validationError,
  type AccessDeniedException,
  type DomainError,
} from '../errors.js';
import { toWholeSeconds, type StreamingSessionStateName } from '../values.js';
import {
  SYSTEM_PRINCIPAL_ID,
  type AutomaticRequest,
  type CallerRequest,
  type StreamingSessionCommand,
} from './commands.js';
import type { ExistingSession, StreamingSessionState } from './state.js';

/** A step that cannot follow the current state: a worker or process manager is out of step. */
export function invalidTransition(
  command: StreamingSessionCommand,
  state: StreamingSessionState,
): DomainError {
  return conflict(
    'INVALID_STATE_TRANSITION',
    `${command.type} is not possible while the session is ${state.state}.`,
    { command: command.type, state: state.state },
  );
}

/**
 * When a step happened, in whole seconds and never before the session's last change: a clock that steps
 * back must not make updatedAt precede createdAt.
 */
export function at(now: number, state: ExistingSession): number {
  return Math.max(toWholeSeconds(now), state.updatedAt);
}

/** The API operations a caller may ask for on an existing session. */
export type SessionOperation = 'StopStreamingSession' | 'StartStreamingSession' | 'DeleteStreamingSession';

/** The stable states each operation leads out of (reference §3.2). */
export const ALLOWED_FROM: Readonly<Record<SessionOperation, readonly StreamingSessionStateName[]>> = {
  StopStreamingSession: ['READY'],
  StartStreamingSession: ['STOPPED'],
  DeleteStreamingSession: [
    'READY',
    'STOPPED',
    'CREATE_FAILED',
    'STOP_FAILED',
    'START_FAILED',
    'DELETE_FAILED',
  ],
};

/** The states where the operation is already under way or done: asking again answers the session as is. */
export const ALREADY_UNDER_WAY: Readonly<Record<SessionOperation, readonly StreamingSessionStateName[]>> = {
  StopStreamingSession: ['STOP_IN_PROGRESS'],
  StartStreamingSession: ['START_IN_PROGRESS'],
  DeleteStreamingSession: ['DELETE_IN_PROGRESS', 'DELETED'],
};

const IN_PROGRESS: readonly StreamingSessionStateName[] = [
  'CREATE_IN_PROGRESS',
  'STOP_IN_PROGRESS',
  'START_IN_PROGRESS',
  'DELETE_IN_PROGRESS',
];

/** What a request meets in the session's state: go ahead, or nothing to do (already under way). */
export type StateCheck = 'PROCEED' | 'ALREADY_UNDER_WAY';

/**
 * The wrong-state rules of reference §3.3: the same operation already under way answers the current
 * session (no events); another transition in progress is a ConflictException; any other stable state
 * that the operation does not lead out of is a ValidationException.
 */
export function checkOperationState(
  operation: SessionOperation,
  state: ExistingSession,
): Result<StateCheck, DomainError> {
  if (ALREADY_UNDER_WAY[operation].includes(state.state)) return ok('ALREADY_UNDER_WAY');
  if (ALLOWED_FROM[operation].includes(state.state)) return ok('PROCEED');
  const context = { resourceId: state.session.sessionId, state: state.state, operation };
  if (IN_PROGRESS.includes(state.state)) {
    return err(
      conflict(
        'ANOTHER_OPERATION_IN_PROGRESS',
        `The session ${state.session.sessionId} is ${state.state}: another operation is in progress.`,
        context,
      ),
    );
  }
  return err(
    validationError(
      'INVALID_SESSION_STATE',
      `${operation} is not possible while the session ${state.session.sessionId} is ${state.state}.`,
      context,
    ),
  );
}

/**
 * Who may stop, start or delete a session (reference §4.6): its owner, its creator, a studio administrator
 * or an IAM caller; the service itself for automatic requests. Returns the principal to record.
 */
export function checkAuthority(
  operation: SessionOperation,
  request: CallerRequest | AutomaticRequest,
  state: ExistingSession,
): Result<string, AccessDeniedException> {
  if (request.automatic === true) return ok(SYSTEM_PRINCIPAL_ID);
  const { caller } = request;
  const { ownedBy, createdBy, sessionId } = state.session;
  if (
    caller.kind === 'IAM' ||
    request.callerIsStudioAdmin ||
    caller.principalId === ownedBy ||
    caller.principalId === createdBy
  ) {
    return ok(caller.principalId);
  }
  return err(
    accessDenied(
      'NOT_SESSION_OWNER',
      `Only the session's owner or creator, or a studio administrator, may call ${operation} on it.`,
      { principalId: caller.principalId, sessionId, operation },
    ),
  );
}
