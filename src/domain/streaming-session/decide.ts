import { err, ok, type Result } from 'neverthrow';
import { conflict, type DomainError } from '../errors.js';
import { toWholeSeconds } from '../values.js';
import type { StreamingSessionCommand } from './commands.js';
import { decideCreate } from './create.js';
import type { StreamingSessionEvent } from './events.js';
import type { ExistingSession, StreamingSessionState } from './state.js';

function invalidTransition(command: StreamingSessionCommand, state: StreamingSessionState): DomainError {
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
function at(now: number, state: ExistingSession): number {
  return Math.max(toWholeSeconds(now), state.updatedAt);
}

function sessionIdOf(state: ExistingSession): string {
  return state.session.sessionId;
}

/**
 * Decides what a command does to one session. Creating an existing session is a conflict; provisioning
 * steps are accepted only in CREATE_IN_PROGRESS, and repeating a step already recorded (the same instance,
 * an already READY session) decides nothing, so a process manager that retries after a crash is safe.
 */
export function decide(
  command: StreamingSessionCommand,
  state: StreamingSessionState,
): Result<readonly StreamingSessionEvent[], DomainError> {
  switch (command.type) {
    case 'CreateStreamingSession':
      if (state.state !== 'NOT_REQUESTED') {
        return err(
          conflict('SESSION_ALREADY_EXISTS', `The session ${command.sessionId} already exists.`, {
            resourceId: command.sessionId,
          }),
        );
      }
      return decideCreate(command);
    case 'RecordInstanceAllocated':
      // The same instance again is a retry, whatever happened since (READY, CREATE_FAILED): nothing to do.
      if (state.state !== 'NOT_REQUESTED' && state.instanceId === command.instanceId) return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
      if (state.instanceId !== undefined) {
        return err(
          conflict(
            'INSTANCE_ALREADY_ALLOCATED',
            `The session already has the instance ${state.instanceId}.`,
            {
              instanceId: state.instanceId,
            },
          ),
        );
      }
      return ok([
        {
          type: 'InstanceAllocated',
          version: 1,
          data: {
            sessionId: sessionIdOf(state),
            instanceId: command.instanceId,
            allocatedAt: at(command.now, state),
          },
        },
      ]);
    case 'MarkSessionReady':
      if (state.state === 'READY') return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS' || state.instanceId === undefined) {
        return err(invalidTransition(command, state));
      }
      return ok([
        {
          type: 'SessionReady',
          version: 1,
          data: { sessionId: sessionIdOf(state), readyAt: at(command.now, state) },
        },
      ]);
    case 'FailSessionCreate':
      if (state.state === 'CREATE_FAILED') return ok([]);
      if (state.state !== 'CREATE_IN_PROGRESS') return err(invalidTransition(command, state));
      return ok([
        {
          type: 'SessionCreateFailed',
          version: 1,
          data: {
            sessionId: sessionIdOf(state),
            statusCode: command.statusCode,
            statusMessage: command.statusMessage,
            failedAt: at(command.now, state),
          },
        },
      ]);
  }
}
